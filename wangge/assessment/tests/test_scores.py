"""Duties, scores and talks (S11): the scheme as data, scores computed from the record with
their drill-down, bottom-up approval that locks, talks to done, and who sees what."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import Role
from wangge.assessment.admonish import talk_close
from wangge.assessment.compute import approve, compute_period, entry_save, scheme_save
from wangge.assessment.duties import duty_list_save, service_list
from wangge.assessment.models import DutyList, Scheme, Score, Talk, TalkKind, TalkStatus
from wangge.core.errors import DomainError
from wangge.core.periods import parse_period
from wangge.core.stats import collect_stats
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed
from wangge.regions.models import Region
from wangge.visits.models import Visit

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"
NOW = datetime.datetime(2026, 4, 5, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def grids(world, regions):
    layer = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    grid_a = grid_create(
        actor=None, layer=layer, name="汪屋网格", area=Region.objects.get(code=HAMLET_A), level=4
    )
    grid_b = grid_create(
        actor=None, layer=layer, name="郭屋网格", area=Region.objects.get(code=HAMLET_B), level=4
    )
    GridMember.objects.create(grid=grid_a, member=world["member"], duty="网格员")
    other = testing.make_member(area_code=HAMLET_B, seq=2, name="郭党员")
    other_user = testing.make_user("member-b", Role.MEMBER, testing.VILLAGE_B)
    other_user.member = other
    other_user.save(update_fields=["member"])
    GridMember.objects.create(grid=grid_b, member=other, duty="网格员")
    # March 2026: the hardship household (every 30 days) visited on the 10th, on time; the
    # plain one (every 90 days), paired on 5 January, never visited: overdue on the 31st.
    visit = Visit(
        household=world["hardship"],
        member=world["member"],
        visited_on=datetime.date(2026, 3, 10),
        kind="routine",
    )
    visit.set_area(world["hardship"].area)
    visit.save()
    return {"a": grid_a, "b": grid_b, "other": other, "other_user": other_user}


@pytest.fixture
def discipline(regions):
    return testing.make_user("discipline", Role.DISCIPLINE, testing.TOWNSHIP)


@pytest.fixture
def leader(regions):
    return testing.make_user("leader", Role.TOWNSHIP_LEADER, testing.TOWNSHIP)


MARCH = parse_period("2026-03")
FEBRUARY = parse_period("2026-02")


def _half_and_half(admin):
    """Visits on time and hearing reports, 50 each, so the figures are easy to follow."""
    return scheme_save(
        actor=admin,
        township_code=testing.TOWNSHIP,
        weights={"visits_on_time": 50, "hearing": 50},
        threshold=80,
    )


def test_weights_must_add_up_to_100_and_name_known_indicators(township_admin):
    with pytest.raises(ValidationError, match="add up to 90; they must add up to 100"):
        scheme_save(
            actor=township_admin,
            township_code=testing.TOWNSHIP,
            weights={"visits_on_time": 50, "hearing": 40},
        )
    with pytest.raises(ValidationError, match="Unknown indicator: turnout_magic"):
        scheme_save(
            actor=township_admin,
            township_code=testing.TOWNSHIP,
            weights={"visits_on_time": 50, "turnout_magic": 50},
        )
    assert not Scheme.objects.exists()
    first = _half_and_half(township_admin)
    second = scheme_save(
        actor=township_admin, township_code=testing.TOWNSHIP, weights={"visits_on_time": 100}
    )
    assert (first.version, second.version) == (1, 2)
    assert first.indicators.count() == 2


def test_scores_come_from_the_record_and_drill_down(grids, world, township_admin, client):
    _half_and_half(township_admin)
    result = compute_period(township_code=testing.TOWNSHIP, period=MARCH, actor=township_admin)
    assert result["members"] == 2 and result["grids"] == 2
    score = Score.objects.get(member=world["member"], period_key="2026-03")
    visits = next(line for line in score.lines if line["key"] == "visits_on_time")
    # One household of two visited on time: 25 of 50; no hearing mark: nothing to judge, 50.
    assert (visits["num"], visits["den"], visits["points"]) == (1, 2, 25.0)
    assert score.score == Decimal("75.0") and score.below_threshold
    grid = Score.objects.get(grid=grids["a"], period_key="2026-03")
    assert grid.score == Decimal("75.0")
    # The member opens their score, the indicator, and the households behind it.
    client.force_login(world["user"])
    page = client.get(f"/assessment/scores/{score.pk}/")
    assert page.status_code == 200 and "75.0" in page.content.decode()
    records = client.get(f"/assessment/scores/{score.pk}/visits_on_time/").content.decode()
    assert "困难户甲" in records and "普通户乙" in records and "未结对户丙" not in records
    assert "not visited yet" in records
    # A talk item opened in the discipline committee's queue.
    talk = Talk.objects.get(member=world["member"])
    assert (talk.kind, talk.period_key, talk.score_value) == (TalkKind.TALK, "2026-03", 75)


def test_visits_drill_down_gives_each_household_its_last_visit_and_interval(grids, world):
    """GIVEN the hardship household (every 30 days) visited on 10 March and the plain one
    (every 90 days) never WHEN the member's March records are read (one SQL statement) THEN
    each row has its day as a date, its interval and whether it was on time."""
    from wangge.assessment.scoring import REGISTRY

    # A visit after the period ends does not count for March.
    later = Visit(
        household=world["plain"],
        member=world["member"],
        visited_on=datetime.date(2026, 4, 2),
        kind="routine",
    )
    later.set_area(world["plain"].area)
    later.save()
    rows = REGISTRY["visits_on_time"].records(world["member"], MARCH)
    assert [(r.day, r.ok) for r in rows] == [
        (None, False),
        (datetime.date(2026, 3, 10), True),
    ]
    assert rows[0].text.startswith("普通户乙") and "not visited yet" in rows[0].status
    assert rows[1].status == "last visit 2026-03-10, every 30 days"


def test_recompute_keeps_the_scheme_version_of_each_period(grids, world, township_admin):
    _half_and_half(township_admin)
    compute_period(township_code=testing.TOWNSHIP, period=FEBRUARY)
    scheme_save(actor=township_admin, township_code=testing.TOWNSHIP, weights={"hearing": 100})
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    feb = Score.objects.get(member=world["member"], period_key="2026-02")
    mar = Score.objects.get(member=world["member"], period_key="2026-03")
    assert (feb.scheme.version, mar.scheme.version) == (1, 2)
    assert mar.score == 100


def test_inspector_mark_and_repeat_talk_is_an_admonition(grids, world, township_admin, leader):
    _half_and_half(township_admin)
    with pytest.raises(ValidationError, match="Write a note"):
        entry_save(
            actor=leader, member=world["member"], period=FEBRUARY, key="hearing", mark=10, note=" "
        )
    with pytest.raises(PermissionDenied):
        entry_save(
            actor=world["user"],
            member=world["member"],
            period=FEBRUARY,
            key="hearing",
            mark=100,
            note="自评",
        )
    entry_save(
        actor=leader,
        member=world["member"],
        period=FEBRUARY,
        key="hearing",
        mark=20,
        note="汇报不清",
    )
    compute_period(township_code=testing.TOWNSHIP, period=FEBRUARY)
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)  # recomputing adds nothing
    talks = Talk.objects.filter(member=world["member"]).order_by("period_key")
    assert [(t.period_key, t.kind) for t in talks] == [
        ("2026-02", TalkKind.TALK),
        ("2026-03", TalkKind.ADMONITION),
    ]
    assert talks[1].score_id == Score.objects.get(member=world["member"], period_key="2026-03").pk


def test_talk_closed_only_with_an_outcome(grids, world, township_admin, discipline, client):
    _half_and_half(township_admin)
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    talk = Talk.objects.get(member=world["member"])
    with pytest.raises(ValidationError, match="outcome"):
        talk_close(
            actor=discipline,
            talk=talk,
            held_on=datetime.date(2026, 4, 2),
            held_by="纪委书记",
            notes="n",
            outcome="  ",
            expected_version=talk.version,
        )
    talk.refresh_from_db()
    assert talk.status == TalkStatus.OPEN and talk.notes == ""
    with pytest.raises(PermissionDenied):
        talk_close(
            actor=township_admin,
            talk=talk,
            held_on=datetime.date(2026, 4, 2),
            held_by="x",
            notes="",
            outcome="y",
            expected_version=talk.version,
        )
    client.force_login(discipline)
    queue = client.get("/assessment/talks/").content.decode()
    assert "王党员" in queue and "Accountability records from campaigns" in queue
    page = client.post(
        f"/assessment/talks/{talk.pk}/",
        {
            "held_on": "2026-04-02",
            "held_by": "纪委书记",
            "notes": "本人态度诚恳",
            "outcome": "限期整改走访",
            "version": talk.version,
        },
    )
    assert page.status_code == 302
    talk.refresh_from_db()
    assert talk.status == TalkStatus.DONE and talk.closed_by == discipline
    # The member sees that the talk exists and its outcome, not the internal notes.
    client.force_login(world["user"])
    mine = client.get("/assessment/mine/").content.decode()
    assert "限期整改走访" in mine
    detail = client.get(f"/assessment/talks/{talk.pk}/").content.decode()
    assert "限期整改走访" in detail and "本人态度诚恳" not in detail
    api = client.get("/api/v1/admonishments").json()
    assert api["items"][0]["outcome"] == "限期整改走访" and api["items"][0]["notes"] is None


def test_approval_goes_bottom_up_and_locks(
    grids, world, township_admin, secretary_a, secretary_b, leader
):
    _half_and_half(township_admin)
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    township = Region.objects.get(code=testing.TOWNSHIP)
    with pytest.raises(DomainError, match="Approve every village first"):
        approve(actor=leader, area=township, period=MARCH)
    with pytest.raises(PermissionDenied):
        approve(actor=secretary_b, area=Region.objects.get(code=testing.VILLAGE_A), period=MARCH)
    approve(actor=secretary_a, area=Region.objects.get(code=testing.VILLAGE_A), period=MARCH)
    # Village A is approved: a recomputation keeps its scores as they were.
    before = Score.objects.get(member=world["member"], period_key="2026-03")
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    assert Score.objects.get(member=world["member"], period_key="2026-03").pk == before.pk
    approve(actor=secretary_b, area=Region.objects.get(code=testing.VILLAGE_B), period=MARCH)
    approve(actor=leader, area=township, period=MARCH)
    with pytest.raises(DomainError, match="approved and locked"):
        compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    with pytest.raises(DomainError, match="approved and locked"):
        entry_save(
            actor=leader, member=world["member"], period=MARCH, key="hearing", mark=1, note="晚了"
        )
    assert Score.objects.filter(period_key="2026-03").count() == 4


def test_who_sees_which_scores(grids, world, township_admin, secretary_b, client):
    _half_and_half(township_admin)
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    mine = Score.objects.get(member=world["member"], period_key="2026-03")
    theirs = Score.objects.get(member=grids["other"], period_key="2026-03")
    client.force_login(world["user"])
    assert client.get(f"/assessment/scores/{theirs.pk}/").status_code == 404
    items = client.get("/api/v1/scores?period=2026-03").json()["items"]
    assert [i["subject"]["id"] for i in items] == [world["member"].pk]
    assert (
        items[0]["below_threshold"] is True and items[0]["indicators"][0]["key"] == "visits_on_time"
    )
    assert client.get("/assessment/scores/").status_code == 403
    client.force_login(secretary_b)
    assert client.get(f"/assessment/scores/{mine.pk}/").status_code == 404
    codes = {
        i["area_code"][:12] for i in client.get("/api/v1/scores?period=2026-03").json()["items"]
    }
    assert codes == {testing.VILLAGE_B}
    client.force_login(township_admin)
    bad = client.get("/api/v1/scores?period=2026-13")
    assert bad.status_code == 422
    assert len(client.get("/api/v1/scores?period=2026-03").json()["items"]) == 4
    page = client.get("/assessment/scores/?period=2026-03").content.decode()
    assert "Under 80" in page and "王党员" in page  # under the threshold, by name
    stats = collect_stats(testing.TOWNSHIP, timezone.localdate())
    assert stats["scores_by_period"]["2026-03"]["members"] == 2
    assert stats["admonishments_by_state"]["open"] == 1


def test_duty_lists_are_versioned_and_the_service_list_is_generated(
    grids, world, township_admin, client
):
    with pytest.raises(ValidationError, match="at least one duty"):
        duty_list_save(actor=township_admin, township_code=testing.TOWNSHIP, level=4, items=["  "])
    duty_list_save(
        actor=township_admin, township_code=testing.TOWNSHIP, level=4, items=["走访结对户"]
    )
    client.force_login(township_admin)
    client.post("/assessment/duties/4/", {"items": "走访结对户\n收集群众诉求"})
    assert list(
        DutyList.objects.filter(level=4).values_list("version", flat=True).order_by("version")
    ) == [1, 2]
    data = service_list(world["member"]).as_dict()
    assert data["grids"][0]["duties"] == ["走访结对户", "收集群众诉求"]
    assert {h["head_name"] for h in data["households"]} == {"困难户甲", "普通户乙"}
    client.force_login(world["user"])
    page = client.get("/assessment/mine/service-list/").content.decode()
    assert "收集群众诉求" in page and "困难户甲" in page
    api = client.get(f"/api/v1/members/{world['member'].pk}/service-list").json()
    assert api["grids"][0]["grid"] == "汪屋网格"
    assert client.get(f"/api/v1/members/{grids['other'].pk}/service-list").status_code == 404
    duties = client.get("/api/v1/duties").json()
    assert duties["count"] == 1
    assert [(d["level"], d["version"]) for d in duties["items"]] == [(4, 2)]


def test_village_secretary_sees_their_village_distribution(
    grids, world, township_admin, secretary_a, client
):
    _half_and_half(township_admin)
    compute_period(township_code=testing.TOWNSHIP, period=MARCH)
    client.force_login(secretary_a)
    page = client.get("/assessment/scores/?period=2026-03")
    assert page.status_code == 200
    text = page.content.decode()
    assert "王党员" in text and "郭党员" not in text
    assert "Distribution (1 grid workers)" in text


def test_scheme_page_refuses_bad_weights_and_the_monthly_job_scores_last_month(
    grids, world, township_admin, client
):
    from wangge.assessment.scoring import REGISTRY
    from wangge.assessment.tasks import monthly_scores

    client.force_login(township_admin)
    form = {f"w_{key}": 0 for key in REGISTRY}
    form.update(w_visits_on_time=60, w_hearing=30, threshold=80, repeat_days=365, commended_size=5)
    page = client.post("/assessment/scheme/", form)
    assert page.status_code == 400
    assert "The weights add up to 90; they must add up to 100." in page.content.decode()
    assert not Scheme.objects.exists()
    form["w_hearing"] = 40
    assert client.post("/assessment/scheme/", form).status_code == 302
    assert Scheme.objects.get().commended_size == 5
    # On 5 April the monthly job scores March (the worker runs it on the 2nd).
    assert monthly_scores.call_local() == 1
    assert Score.objects.filter(period_key="2026-03", subject_kind="member").count() == 2


def test_the_queue_shows_campaign_accountability_too(
    grids, world, township_admin, discipline, client
):
    from wangge.campaigns.services import accountability_open, campaign_create
    from wangge.grids.services import person_create

    campaign = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="森林防火",
        kind="forest_fire",
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 4, 30),
    )
    ranger = person_create(
        actor=township_admin, name="护林员乙", area=Region.objects.get(code=HAMLET_A)
    )
    accountability_open(
        actor=township_admin,
        campaign=campaign,
        area=Region.objects.get(code=HAMLET_A),
        failure="责任山场未按要求巡查",
        person=ranger,
    )
    accountability_open(
        actor=township_admin,
        campaign=campaign,
        area=Region.objects.get(code=HAMLET_A),
        failure="包保区域发生火情",
        member=world["member"],
    )
    client.force_login(discipline)
    page = client.get("/assessment/talks/").content.decode()
    assert "责任山场未按要求巡查" in page and "护林员乙" in page and "包保区域发生火情" in page
    # The member's record counts against them in the period (a negative indicator).
    _half_and_half(township_admin)
    scheme_save(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        weights={"visits_on_time": 50, "accountability": 50},
    )
    compute_period(township_code=testing.TOWNSHIP, period=parse_period("2026-04"))
    score = Score.objects.get(member=world["member"], period_key="2026-04")
    line = next(line for line in score.lines if line["key"] == "accountability")
    assert (line["den"], line["points"]) == (1, 25.0)
    records = client.get(f"/assessment/scores/{score.pk}/accountability/").content.decode()
    assert "包保区域发生火情" in records and "责任山场未按要求巡查" not in records
