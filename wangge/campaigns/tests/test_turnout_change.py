"""Correcting and withdrawing a turn-out: who recorded it or campaign staff of its area, within
the declared emergency, audited, and a stale edit refused (409) rather than saved over."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.campaigns.engine import (
    section_create,
    turnout_correct,
    turnout_record,
    turnout_withdraw,
)
from wangge.campaigns.models import Turnout
from wangge.campaigns.tests.test_flood import _declare, flood  # noqa: F401 (fixture)
from wangge.core.errors import ConflictError


@pytest.fixture
def recorded(flood, township_admin, secretary_a):  # noqa: F811
    _declare(flood, township_admin)
    section = section_create(
        actor=secretary_a,
        campaign=flood["campaign"],
        name="南港堤段",
        place="",
        organisation=flood["branch_a"],
    )
    own = turnout_record(
        actor=flood["m_a"], campaign=flood["campaign"], day=flood["today"], hours=8
    )
    return {**flood, "section": section, "own": own}


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_member_corrects_own_check_in(recorded):
    own = recorded["own"]
    yesterday = recorded["today"] - datetime.timedelta(days=1)
    changed = turnout_correct(
        actor=recorded["m_a"],
        turnout=own,
        expected_version=own.version,
        day=yesterday,
        hours="6",
        section=recorded["section"],
    )
    assert changed.day == yesterday and changed.hours == Decimal("6.0")
    assert changed.section == recorded["section"] and changed.version == 2
    event = AuditEvent.objects.get(action="campaigns.turnout_correct")
    assert event.detail["before"]["hours"] == "8.0" and event.detail["after"]["hours"] == "6.0"


def test_stale_version_is_refused(recorded):
    own = recorded["own"]
    turnout_correct(
        actor=recorded["m_a"],
        turnout=own,
        expected_version=1,
        day=own.day,
        hours="7",
        section=None,
    )
    with pytest.raises(ConflictError):
        turnout_correct(
            actor=recorded["m_a"],
            turnout=own,
            expected_version=1,
            day=own.day,
            hours="5",
            section=None,
        )
    with pytest.raises(ConflictError):
        turnout_withdraw(actor=recorded["m_a"], turnout=own, expected_version=1)
    own.refresh_from_db()
    assert own.hours == Decimal("7.0") and own.version == 2


def test_day_outside_the_emergency_and_bad_hours_refused(recorded):
    own = recorded["own"]
    for day, hours in [(recorded["today"] - datetime.timedelta(days=9), "8"), (own.day, "30")]:
        with pytest.raises(ValidationError):
            turnout_correct(
                actor=recorded["m_a"],
                turnout=own,
                expected_version=1,
                day=day,
                hours=hours,
                section=None,
            )
    own.refresh_from_db()
    assert own.version == 1 and own.hours == Decimal("8.0")


def test_correction_onto_an_existing_turnout_is_refused(recorded):
    own = recorded["own"]
    yesterday = recorded["today"] - datetime.timedelta(days=1)
    turnout_record(actor=recorded["m_a"], campaign=recorded["campaign"], day=yesterday, hours=4)
    with pytest.raises(ValidationError) as exc:
        turnout_correct(
            actor=recorded["m_a"],
            turnout=own,
            expected_version=1,
            day=yesterday,
            hours="8",
            section=None,
        )
    assert "already recorded" in " ".join(exc.value.messages)


def test_others_may_not_change(recorded, secretary_b):
    own = recorded["own"]
    with pytest.raises(PermissionDenied):
        turnout_withdraw(actor=recorded["m_b"], turnout=own, expected_version=1)
    with pytest.raises(PermissionDenied):
        turnout_withdraw(actor=secretary_b, turnout=own, expected_version=1)
    assert Turnout.objects.filter(pk=own.pk).exists()


def test_staff_withdraw_is_audited(recorded, secretary_a):
    own = recorded["own"]
    turnout_withdraw(actor=secretary_a, turnout=own, expected_version=1)
    assert not Turnout.objects.filter(pk=own.pk).exists()
    event = AuditEvent.objects.get(action="campaigns.turnout_withdraw")
    assert event.detail["member"] == recorded["m_a"].member.pk
    assert event.detail["hours"] == "8.0"


def test_pages_correct_and_withdraw(client, recorded, secretary_a, secretary_b):
    own = recorded["own"]
    client.force_login(secretary_b)
    assert client.get(f"/campaigns/turnouts/{own.pk}/").status_code == 404
    client.force_login(recorded["m_b"])
    assert client.get(f"/campaigns/turnouts/{own.pk}/").status_code == 404
    client.force_login(secretary_a)
    listing = client.get(f"/campaigns/{recorded['campaign'].pk}/turnouts/").content.decode()
    assert f"/campaigns/turnouts/{own.pk}/" in listing
    page = client.get(f"/campaigns/turnouts/{own.pk}/")
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    response = client.post(
        f"/campaigns/turnouts/{own.pk}/",
        {"day": own.day.isoformat(), "hours": "5", "section": "", "version": "1"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.hours == Decimal("5.0") and own.version == 2
    # The member's form, read before the secretary's change: refused, not saved over.
    client.force_login(recorded["m_a"])
    stale = client.post(
        f"/campaigns/turnouts/{own.pk}/",
        {"day": own.day.isoformat(), "hours": "9", "section": "", "version": "1"},
    )
    assert stale.status_code == 400 and "Someone else changed" in stale.content.decode()
    own.refresh_from_db()
    assert own.hours == Decimal("5.0")
    # A withdrawal from a damaged page (no version, or nonsense): refused in words, kept.
    for version in ("", "x", "-1", "9" * 30):
        damaged = client.post(
            f"/campaigns/turnouts/{own.pk}/", {"withdraw": "1", "version": version}
        )
        assert damaged.status_code == 409 and "The form was damaged" in damaged.content.decode()
    assert Turnout.objects.filter(pk=own.pk).exists()
    gone = client.post(f"/campaigns/turnouts/{own.pk}/", {"withdraw": "1", "version": "2"})
    assert gone.status_code == 302
    assert not Turnout.objects.filter(pk=own.pk).exists()


def test_api_patch_and_delete(client, recorded, secretary_a, secretary_b):
    own = recorded["own"]
    url = f"/api/v1/campaigns/{recorded['campaign'].pk}/turnouts/{own.pk}"
    body = {"version": 1, "hours": "6.5", "section_id": recorded["section"].pk}
    outsider = client.patch(
        url, json.dumps(body), content_type="application/json", **_bearer(secretary_b)
    )
    assert outsider.status_code == 404
    neighbour = client.patch(
        url, json.dumps(body), content_type="application/json", **_bearer(recorded["m_b"])
    )
    assert neighbour.status_code == 404
    zero = client.patch(
        url,
        json.dumps({"version": 1, "hours": "0"}),
        content_type="application/json",
        **_bearer(recorded["m_a"]),
    )
    assert zero.status_code == 422
    ok = client.patch(
        url, json.dumps(body), content_type="application/json", **_bearer(recorded["m_a"])
    )
    assert ok.status_code == 200, ok.content
    data = ok.json()
    assert data["hours"] in ("6.5", 6.5) and data["version"] == 2
    assert data["section_id"] == recorded["section"].pk
    stale = client.patch(
        url, json.dumps(body), content_type="application/json", **_bearer(secretary_a)
    )
    assert stale.status_code == 409
    assert client.delete(f"{url}?version=1", **_bearer(secretary_a)).status_code == 409
    assert client.delete(f"{url}?version=2", **_bearer(secretary_b)).status_code == 404
    assert client.delete(f"{url}?version=2", **_bearer(secretary_a)).status_code == 204
    assert not Turnout.objects.filter(pk=own.pk).exists()


def test_turnout_list_with_correction_links_query_count(
    client, recorded, secretary_a, django_assert_max_num_queries
):
    for back in range(1, 3):
        turnout_record(
            actor=recorded["m_a"],
            campaign=recorded["campaign"],
            day=recorded["today"] - datetime.timedelta(days=back),
            hours=3,
        )
    client.force_login(secretary_a)
    url = f"/campaigns/{recorded['campaign'].pk}/turnouts/"
    client.get(url)
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert page.count("/campaigns/turnouts/") == 3
