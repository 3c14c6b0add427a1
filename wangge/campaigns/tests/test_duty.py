"""Straw-burning ban and forest-fire prevention: the responsibility letter acknowledged once by
every grid member, patrols within the period, the roster, and accountability to a decision."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.campaigns.models import Accountability, DutyLog, PledgeAck, RosterEntry
from wangge.campaigns.services import (
    accountability_advance,
    accountability_open,
    campaign_create,
    duty_log_record,
    pledge_acknowledge,
    pledge_publish,
    roster_add,
)
from wangge.core.models import Notification
from wangge.core.stats import collect_stats
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed, person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


def _member_user(username, area_code, seq, grid):
    user = testing.make_member_user(username, area_code, seq)
    GridMember.objects.create(grid=grid, member=user.member, duty="普通党员")
    return user


@pytest.fixture
def duty(regions, township_admin):
    layer = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    grid_a = grid_create(
        actor=None, layer=layer, name="汪屋网格", area=Region.objects.get(code=HAMLET_A), level=4
    )
    grid_b = grid_create(
        actor=None, layer=layer, name="郭屋网格", area=Region.objects.get(code=HAMLET_B), level=4
    )
    today = timezone.localdate()
    campaign = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="秸秆禁烧",
        kind="straw_burning",
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=30),
    )
    pledge = pledge_publish(actor=township_admin, campaign=campaign, text="我承诺：不焚烧秸秆。")
    return {
        "campaign": campaign,
        "pledge": pledge,
        "a": _member_user("m-a", HAMLET_A, 1, grid_a),
        "a2": _member_user("m-a2", HAMLET_A, 2, grid_a),
        "b": _member_user("m-b", HAMLET_B, 3, grid_b),
        "today": today,
    }


def test_member_acknowledges_once_from_the_phone_home(client, duty):
    client.force_login(duty["a"])
    home = client.get("/visits/").content.decode()
    assert "秸秆禁烧" in home and f"/campaigns/pledges/{duty['pledge'].pk}/" in home
    page = client.get(f"/campaigns/pledges/{duty['pledge'].pk}/")
    assert "不焚烧秸秆" in page.content.decode()
    assert client.post(f"/campaigns/pledges/{duty['pledge'].pk}/").status_code == 302
    assert client.post(f"/campaigns/pledges/{duty['pledge'].pk}/").status_code == 302
    assert PledgeAck.objects.filter(member=duty["a"].member).count() == 1
    assert f"/campaigns/pledges/{duty['pledge'].pk}/" not in client.get("/visits/").content.decode()


def test_a_new_version_asks_again(duty, township_admin):
    pledge_acknowledge(actor=duty["a"], pledge=duty["pledge"])
    second = pledge_publish(actor=township_admin, campaign=duty["campaign"], text="第二版")
    assert second.version == 2
    _ack, created = pledge_acknowledge(actor=duty["a"], pledge=second)
    assert created
    _ack, created = pledge_acknowledge(actor=duty["a"], pledge=second)
    assert not created and PledgeAck.objects.count() == 2


def test_counts_per_village_and_grid_never_names(client, duty, township_admin):
    pledge_acknowledge(actor=duty["a"], pledge=duty["pledge"])
    client.force_login(township_admin)
    page = client.get(f"/campaigns/{duty['campaign'].pk}/?village={testing.VILLAGE_A}")
    text = page.content.decode()
    assert page.context["counts"]["acknowledged"] == 1
    assert page.context["counts"]["pending"] == 2
    assert page.context["counts"]["by_grid"] == [("汪屋网格", 1, 1)]
    assert "党员2" not in text and "党员3" not in text
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(township_admin)}"}
    body = client.get(f"/api/v1/campaigns/{duty['campaign'].pk}/pledge-counts", **headers).json()
    assert (body["acknowledged"], body["pending"]) == (1, 2)


def test_api_pledges_and_acknowledgement(client, duty):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(duty['b'])}"}
    listed = client.get("/api/v1/pledges", **headers).json()
    assert listed["count"] == 1 and listed["items"][0]["acknowledged_at"] is None
    url = f"/api/v1/pledges/{duty['pledge'].pk}/acknowledgement"
    assert client.post(url, **headers).status_code == 201
    again = client.post(url, **headers)
    assert again.status_code == 200 and again.json()["created"] is False
    assert PledgeAck.objects.count() == 1
    listed = client.get("/api/v1/pledges", **headers).json()
    assert listed["items"][0]["acknowledged_at"] is not None


def test_someone_outside_the_grids_cannot_acknowledge(duty, regions):
    stranger = testing.make_member(area_code=HAMLET_A, seq=9, name="无格党员")
    user = testing.make_user("stranger", Role.MEMBER, testing.VILLAGE_A)
    user.member = stranger
    user.save(update_fields=["member"])
    with pytest.raises(PermissionDenied):
        pledge_acknowledge(actor=user, pledge=duty["pledge"])
    assert not PledgeAck.objects.exists()


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_member_logs_a_patrol_with_a_photo(client, duty, township_admin, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(duty["a"])
    page = client.post(
        "/campaigns/patrol/",
        {
            "campaign": duty["campaign"].pk,
            "kind": "patrol",
            "day": duty["today"].isoformat(),
            "place": "汪屋田畈",
            "text": "未见焚烧",
            "photo": _jpeg(),
        },
    )
    assert page.status_code == 302
    entry = DutyLog.objects.get()
    assert entry.area_code == duty["a"].member.area_code and entry.photo
    client.force_login(township_admin)
    assert client.get(f"/campaigns/logs/{entry.pk}/photo/").status_code == 200
    client.force_login(duty["b"])
    assert client.get(f"/campaigns/logs/{entry.pk}/photo/").status_code == 404


def test_a_patrol_outside_the_period_is_refused(client, duty):
    client.force_login(duty["a"])
    before = duty["campaign"].starts_on - datetime.timedelta(days=1)
    page = client.post(
        "/campaigns/patrol/",
        {
            "campaign": duty["campaign"].pk,
            "kind": "patrol",
            "day": before.isoformat(),
            "place": "汪屋",
            "text": "巡查",
        },
    )
    assert page.status_code == 400
    assert not DutyLog.objects.exists()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(duty['a'])}"}
    answer = client.post(
        f"/api/v1/campaigns/{duty['campaign'].pk}/logs",
        {"kind": "patrol", "day": before.isoformat(), "place": "汪屋", "text": "巡查"},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code in (400, 422)
    assert not DutyLog.objects.exists()


def test_a_person_added_twice_to_the_roster_is_refused(duty, secretary_a):
    person = person_create(actor=secretary_a, name="护林员", area=Region.objects.get(code=HAMLET_A))
    roster_add(actor=secretary_a, campaign=duty["campaign"], person=person, duty="护林")
    with pytest.raises(ValidationError, match="already on this roster"):
        roster_add(actor=secretary_a, campaign=duty["campaign"], person=person)
    assert RosterEntry.objects.count() == 1


def test_accountability_goes_to_the_discipline_committee_and_is_decided(
    client, duty, secretary_a, django_capture_on_commit_callbacks
):
    discipline = testing.make_user("jiwei", Role.DISCIPLINE, testing.TOWNSHIP)
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            f"/campaigns/{duty['campaign'].pk}/accountability/new/",
            {
                "area": testing.VILLAGE_A,
                "member": duty["a2"].member.pk,
                "failure": "责任区内发生焚烧未及时制止",
                "evidence": "5月28日巡查记录",
            },
        )
    assert page.status_code == 302
    record = Accountability.objects.get()
    inbox = Notification.objects.filter(user=discipline)
    assert inbox.count() == 1 and "秸秆禁烧" in inbox.get().subject
    client.force_login(discipline)
    assert "责任区内发生焚烧" in client.get("/campaigns/accountability/").content.decode()
    url = f"/campaigns/accountability/{record.pk}/"
    client.post(url, {"status": "reviewing", "version": record.version})
    record.refresh_from_db()
    assert record.status == "reviewing"
    client.post(url, {"status": "decided", "decision": "", "version": record.version})
    record.refresh_from_db()
    assert record.status == "reviewing"  # a decision needs its words
    client.post(url, {"status": "decided", "decision": "诫勉谈话", "version": record.version})
    record.refresh_from_db()
    assert record.status == "decided" and record.decided_at is not None
    assert AuditEvent.objects.filter(action="campaigns.accountability_advance").count() == 2
    client.force_login(secretary_a)
    assert client.post(url, {"status": "decided", "version": record.version}).status_code == 403
    client.force_login(duty["b"])
    assert client.get(url).status_code == 404


def test_stale_or_wrong_role_transitions_are_refused(duty, township_admin):
    discipline = testing.make_user("jiwei", Role.DISCIPLINE, testing.TOWNSHIP)
    record = accountability_open(
        actor=township_admin,
        campaign=duty["campaign"],
        area=Region.objects.get(code=testing.VILLAGE_A),
        failure="未巡查",
        member=duty["a"].member,
    )
    with pytest.raises(PermissionDenied):
        accountability_advance(
            actor=township_admin, record=record, status="reviewing", expected_version=1
        )
    with pytest.raises(Exception, match="meanwhile"):
        accountability_advance(
            actor=discipline, record=record, status="reviewing", expected_version=9
        )


def test_stats_keys(duty, secretary_a, township_admin):
    pledge_acknowledge(actor=duty["a"], pledge=duty["pledge"])
    person_create(actor=secretary_a, name="护林员", area=Region.objects.get(code=HAMLET_A))
    accountability_open(
        actor=township_admin,
        campaign=duty["campaign"],
        area=Region.objects.get(code=testing.VILLAGE_A),
        failure="未巡查",
        member=duty["a"].member,
    )
    stats = collect_stats(None, duty["today"])
    assert stats["campaigns_by_kind"]["straw_burning"] == 1
    assert (stats["pledges_acknowledged"], stats["pledges_pending"]) == (1, 2)
    assert stats["persons"] == 1 and stats["accountability_open"] == 1


def test_duty_log_refuses_visit_campaigns(duty, township_admin):
    visit = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="大走访",
        starts_on=duty["today"],
        ends_on=duty["today"],
    )
    with pytest.raises(ValidationError):
        duty_log_record(
            actor=duty["a"], campaign=visit, kind="patrol", day=duty["today"], place="x", text="y"
        )


def test_a_file_that_is_not_a_photo_stores_nothing(client, duty, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(duty["a"])
    page = client.post(
        "/campaigns/patrol/",
        {
            "campaign": duty["campaign"].pk,
            "kind": "incident",
            "day": duty["today"].isoformat(),
            "place": "汪屋",
            "text": "有烟",
            "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert page.status_code == 400
    assert "JPEG" in page.content.decode()
    assert not DutyLog.objects.exists() and not any(tmp_path.rglob("*.jpg"))
