"""The pairing API: list, create, end, propose (diff) and apply, with scope and rights."""

import pytest

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.pairing.models import Pairing

GROUP_A = testing.VILLAGE_A + "001001"


def _auth(user):
    raw = testing.api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def data(regions, tags):
    key = [t for t in tags if t.is_key][:1]
    homes = [
        testing.make_household(area_code=GROUP_A, seq=i, head_name=f"重点户{i}", tags=key)
        for i in range(1, 3)
    ]
    members = [testing.make_member(area_code=GROUP_A, seq=10, name="党员甲")]
    return homes, members


def test_propose_returns_the_diff_and_apply_writes_it(client, secretary_a, data):
    auth = _auth(secretary_a)
    response = client.post(
        "/api/v1/pairings/proposals",
        {"area_code": testing.VILLAGE_A},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["adds"] == 2 and body["status"] == "open" and len(body["add"]) == 2
    applied = client.post(f"/api/v1/pairings/proposals/{body['id']}/apply", **auth)
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    again = client.post(f"/api/v1/pairings/proposals/{body['id']}/apply", **auth)
    assert again.status_code == 409
    listing = client.get("/api/v1/pairings", **auth).json()
    assert listing["count"] == 2 and {p["household_head"] for p in listing["items"]} == {
        "重点户1",
        "重点户2",
    }
    assert AuditEvent.objects.filter(action="pairing.proposal_apply").count() == 1


def test_create_end_and_stale(client, secretary_a, data):
    homes, members = data
    auth = _auth(secretary_a)
    proposal = client.post(
        "/api/v1/pairings/proposals",
        {"area_code": testing.VILLAGE_A},
        content_type="application/json",
        **auth,
    ).json()
    created = client.post(
        "/api/v1/pairings",
        {"member_id": members[0].pk, "household_id": homes[0].pk},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201 and created.json()["source"] == "manual"
    stale = client.post(f"/api/v1/pairings/proposals/{proposal['id']}/apply", **auth)
    assert stale.status_code == 409 and "changed" in stale.json()["message"]
    pairing_id = created.json()["id"]
    ended = client.post(
        f"/api/v1/pairings/{pairing_id}/end",
        {"reason": "户主去世"},
        content_type="application/json",
        **auth,
    )
    assert ended.status_code == 200 and ended.json()["ended_on"]
    history = client.get("/api/v1/pairings?active=false", **auth).json()
    assert history["count"] == 1 and history["items"][0]["end_reason"] == "户主去世"


def test_scope_and_rights(client, secretary_a, secretary_b, member_a, data):
    homes, members = data
    pairing = Pairing.objects.create(
        member=members[0],
        household=homes[0],
        area_id=GROUP_A,
        area_code=GROUP_A,
        township_code=testing.TOWNSHIP,
        started_on="2026-01-01",
    )
    outsider = _auth(secretary_b)
    assert client.get(f"/api/v1/pairings/{pairing.pk}", **outsider).status_code == 404
    assert client.get("/api/v1/pairings", **outsider).json()["count"] == 0
    end = client.post(
        f"/api/v1/pairings/{pairing.pk}/end",
        {"reason": "x"},
        content_type="application/json",
        **outsider,
    )
    assert end.status_code == 404
    propose = client.post(
        "/api/v1/pairings/proposals",
        {"area_code": testing.VILLAGE_A},
        content_type="application/json",
        **outsider,
    )
    assert propose.status_code == 422
    member_a.member = members[0]
    member_a.save()
    mine = _auth(member_a)
    assert client.get(f"/api/v1/pairings/{pairing.pk}", **mine).status_code == 200
    refused = client.post(
        f"/api/v1/pairings/{pairing.pk}/end",
        {"reason": "x"},
        content_type="application/json",
        **mine,
    )
    assert refused.status_code == 403
    propose = client.post(
        "/api/v1/pairings/proposals",
        {"area_code": testing.VILLAGE_A},
        content_type="application/json",
        **mine,
    )
    assert propose.status_code == 403
