"""The epidemic's tests, quarantines and follow-ups through the API: listed and recorded in
the caller's grids only, paginated, phones masked."""

import pytest

from wangge import testing
from wangge.campaigns.epidemic import follow_up_record, lab_result_record, quarantine_start
from wangge.campaigns.models import FollowUp, LabResult, Quarantine
from wangge.campaigns.tests.test_epidemic import DAY, _register, epi  # noqa: F401 (fixture)


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


@pytest.fixture
def records(epi):  # noqa: F811
    mine = _register(epi, epi["a"], epi["grid_a"], name="王二", phone="13912345678")
    theirs = _register(epi, epi["b"], epi["grid_b"], name="郭三", phone="13712345678")
    for returnee, actor in ((mine, epi["a"]), (theirs, epi["b"])):
        lab_result_record(actor=actor, returnee=returnee, tested_on=epi["today"], result="negative")
        quarantine = quarantine_start(
            actor=actor,
            returnee=returnee,
            kind="home",
            starts_on=epi["today"] - DAY,
            ends_on=epi["today"] + 12 * DAY,
        )
        follow_up_record(
            actor=actor, quarantine=quarantine, day=epi["today"] - DAY, temperature="36.6"
        )
    return {**epi, "mine": mine, "theirs": theirs}


@pytest.mark.parametrize("what", ["tests", "quarantines", "followups"])
def test_lists_are_scoped_paginated_and_masked(client, records, what):
    url = f"/api/v1/campaigns/{records['campaign'].pk}/{what}"
    response = client.get(url, **_bearer(records["a"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and len(body["items"]) == 1
    item = body["items"][0]
    assert item["returnee_name"] == "王二" and item["grid_id"] == records["grid_a"].pk
    text = response.content.decode()
    assert "13912345678" not in text and "郭三" not in text
    if what != "followups":
        assert item["returnee_phone_masked"] == "139****5678"
    # The village secretary sees the village's, not the neighbour's.
    office = client.get(url, **_bearer(records["secretary"])).json()
    assert office["count"] == 1
    admin = testing.make_user("admin-epi", None, None)
    assert client.get(url, **_bearer(admin)).status_code in {403, 404}
    assert client.get(f"{url}?limit=1&offset=1", **_bearer(records["a"])).json()["items"] == []
    other_grid = client.get(f"{url}?grid_id={records['grid_b'].pk}", **_bearer(records["a"]))
    assert other_grid.json()["count"] == 0


def test_filters(client, records):
    base = f"/api/v1/campaigns/{records['campaign'].pk}"
    headers = _bearer(records["a"])
    assert client.get(f"{base}/tests?result=positive", **headers).json()["count"] == 0
    assert client.get(f"{base}/tests?result=negative", **headers).json()["count"] == 1
    later = (records["today"] + 20 * DAY).isoformat()
    assert client.get(f"{base}/quarantines?active_on={later}", **headers).json()["count"] == 0
    today = records["today"].isoformat()
    assert client.get(f"{base}/followups?day={today}", **headers).json()["count"] == 0


def test_record_through_the_api(client, records):
    base = f"/api/v1/campaigns/{records['campaign'].pk}"
    headers = _bearer(records["a"])
    mine, theirs = records["mine"], records["theirs"]
    today = records["today"].isoformat()
    ok = client.post(
        f"{base}/tests",
        {"returnee_id": mine.pk, "tested_on": today, "result": "pending"},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 201, ok.content
    refused = client.post(
        f"{base}/tests",
        {"returnee_id": theirs.pk, "tested_on": today, "result": "pending"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 404
    assert LabResult.objects.filter(returnee=theirs).count() == 1
    backwards = client.post(
        f"{base}/quarantines",
        {
            "returnee_id": mine.pk,
            "kind": "medical",
            "starts_on": today,
            "ends_on": (records["today"] - 3 * DAY).isoformat(),
        },
        content_type="application/json",
        **headers,
    )
    assert backwards.status_code in {400, 422}
    assert Quarantine.objects.filter(returnee=mine).count() == 1
    quarantine = Quarantine.objects.get(returnee=mine)
    follow = client.post(
        f"{base}/followups",
        {"quarantine_id": quarantine.pk, "day": today, "temperature": "36.8", "condition": "好"},
        content_type="application/json",
        **headers,
    )
    assert follow.status_code == 201, follow.content
    assert follow.json()["returnee_id"] == mine.pk
    twice = client.post(
        f"{base}/followups",
        {"quarantine_id": quarantine.pk, "day": today},
        content_type="application/json",
        **headers,
    )
    assert twice.status_code in {400, 422}
    other = Quarantine.objects.get(returnee=theirs)
    outside = client.post(
        f"{base}/followups",
        {"quarantine_id": other.pk, "day": today},
        content_type="application/json",
        **headers,
    )
    assert outside.status_code == 404
    assert FollowUp.objects.filter(quarantine=other).count() == 1
