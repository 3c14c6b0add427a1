"""The three rates from hand-built timelines with a frozen clock: every figure known exactly."""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.utils import timezone

from wangge import testing
from wangge.appeals.metrics import (
    PeriodError,
    Slice,
    figure_rows,
    metrics_for_area,
    parse_period,
    rate_tallies,
    rates_by,
    rates_from_tallies,
    rates_total,
)
from wangge.appeals.models import Channel, Rating
from wangge.appeals.services import (
    appeal_accept,
    appeal_create,
    appeal_escalate,
    appeal_rate,
    appeal_resolve,
)
from wangge.core.counting import counts

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOV = parse_period("2026-11")


class Clock:
    """``timezone.now()`` frozen at whatever the test sets (services read it for each row)."""

    def __init__(self):
        self.now = None

    def at(self, month, day, hour, minute=0):
        self.now = datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    real_now = timezone.now
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now or real_now())
    return clock


@dataclass
class Scenario:
    world: object
    r: dict  # name → Appeal


def _create(world, clock, when, **kw):
    kw.setdefault("actor", world.users[4])
    kw.setdefault("household", world.household)
    kw.setdefault("channel", Channel.MEMBER)
    return appeal_create(
        category=world.categories["water"], text="自来水停了", at=clock.at(*when), **kw
    )


def _step(clock, when, func, **kw):
    clock.at(*when)
    return func(**kw)


@pytest.fixture
def scenario(world, clock, township_admin):
    """Requests with known outcomes (times are Asia/Shanghai, November 2026, water: accept
    within 24 working hours):

    r1  created Mon 2 09:00, accepted 10:00 (on time), resolved Tue 3 09:00, rated satisfied
    r2  created Tue 3 09:00, accepted Thu 5 09:00 (late: due Wed 4 09:00), resolved Thu 5 21:00,
        rated basically satisfied
    r3  created Wed 4 09:00, accepted 10:00, resolved 15:00, rated unsatisfied Thu 5 → reopened
        and escalated; resolved again Mon 9 09:00, rated unsatisfied again Tue 10 (stands)
    r4  created Tue 10 09:00, escalated by hand 10:00, accepted by L3 11:00 (on time)
    r5  created Fri 30 Oct (outside), accepted, resolved Mon 2 Nov 09:00, rated satisfied 10:00
    r6  created 1 Dec (outside): never counted for November
    r7  village B, phone line, no grid, created Thu 5 09:00, never accepted
    """
    u = world.users
    r = {}
    r["r5"] = _create(world, clock, (10, 30, 9))
    _step(clock, (10, 30, 10), appeal_accept, actor=u[4], appeal=r["r5"])
    _step(clock, (11, 2, 9), appeal_resolve, actor=u[4], appeal=r["r5"], note="修好")
    _step(clock, (11, 2, 10), appeal_rate, actor=None, appeal=r["r5"], rating=Rating.SATISFIED)

    r["r1"] = _create(world, clock, (11, 2, 9))
    _step(clock, (11, 2, 10), appeal_accept, actor=u[4], appeal=r["r1"])
    _step(clock, (11, 3, 9), appeal_resolve, actor=u[4], appeal=r["r1"], note="修好")
    _step(clock, (11, 3, 12), appeal_rate, actor=None, appeal=r["r1"], rating=Rating.SATISFIED)

    r["r2"] = _create(world, clock, (11, 3, 9))
    _step(clock, (11, 5, 9), appeal_accept, actor=u[4], appeal=r["r2"])
    _step(clock, (11, 5, 21), appeal_resolve, actor=u[4], appeal=r["r2"], note="修好")
    _step(clock, (11, 6, 8), appeal_rate, actor=None, appeal=r["r2"], rating=Rating.BASICALLY)

    r["r3"] = _create(world, clock, (11, 4, 9))
    _step(clock, (11, 4, 10), appeal_accept, actor=u[4], appeal=r["r3"])
    _step(clock, (11, 4, 15), appeal_resolve, actor=u[4], appeal=r["r3"], note="修好")
    r["r3"] = _step(
        clock, (11, 5, 9), appeal_rate, actor=None, appeal=r["r3"], rating=Rating.UNSATISFIED
    )
    assert r["r3"].reopen_count == 1 and r["r3"].level == 3
    _step(clock, (11, 9, 9), appeal_resolve, actor=u[3], appeal=r["r3"], note="再修")
    _step(clock, (11, 10, 9), appeal_rate, actor=None, appeal=r["r3"], rating=Rating.UNSATISFIED)

    r["r4"] = _create(world, clock, (11, 10, 9))
    _step(clock, (11, 10, 10), appeal_escalate, actor=u[4], appeal=r["r4"], reason="需要协调")
    _step(clock, (11, 10, 11), appeal_accept, actor=u[3], appeal=r["r4"])

    r["r6"] = _create(world, clock, (12, 1, 9))
    _step(clock, (12, 1, 10), appeal_accept, actor=u[4], appeal=r["r6"])

    r["r7"] = _create(
        world,
        clock,
        (11, 5, 9),
        actor=township_admin,
        household=world.household_b,
        channel=Channel.PHONE_LINE,
    )
    clock.at(11, 30, 18)
    return Scenario(world, r)


def _ids(scenario, *names):
    return {scenario.r[n].pk for n in names}


def _requests(figure, where, period=NOV):
    return set(figure_rows(figure, period, where).values_list("appeal_id", flat=True))


TOWNSHIP = Slice(prefixes=[testing.TOWNSHIP])


def test_township_figures_for_november(scenario):
    rates = rates_total(NOV, TOWNSHIP)
    assert (rates.routed, rates.responded, rates.escalated) == (5, 3, 2)
    assert rates.response_rate == pytest.approx(3 / 5)
    assert rates.escalation_share == pytest.approx(2 / 5)
    # Every rating given: r5 sat, r1 sat, r2 basic, r3 unsat twice.
    assert (rates.ratings, rates.ratings_solved) == (5, 3)
    assert rates.satisfaction_rate == pytest.approx(3 / 5)
    # The rating that stands per request: r5, r1, r2 solved; r3 unsatisfied.
    assert (rates.rated, rates.rated_solved) == (4, 3)
    assert rates.resolution_rate == pytest.approx(3 / 4)
    # Final resolutions: r5 72 h, r1 24 h, r2 60 h, r3 120 h (from intake; first one reopened).
    assert rates.resolved == 4
    assert sorted(rates.hours) == [24, 60, 72, 120]
    assert rates.median_hours == 66.0


def test_the_three_rates_without_the_resolved_rows(scenario, django_assert_num_queries):
    """What a dashboard asks for: the same three rates in two queries, no median."""
    full = rates_total(NOV, TOWNSHIP)
    with django_assert_num_queries(2):
        rates = rates_total(NOV, TOWNSHIP, resolved=False)
    assert (rates.routed, rates.responded, rates.ratings, rates.rated) == (5, 3, 5, 4)
    assert rates.response_rate == full.response_rate
    assert rates.resolution_rate == full.resolution_rate
    assert rates.satisfaction_rate == full.satisfaction_rate
    assert (rates.resolved, rates.median_hours) == (0, None)


def test_the_rates_counted_with_a_dashboards_other_figures(scenario):
    """``rate_tallies`` counted in one statement (``core.counting``) give ``rates_total``
    without the resolved rows, for every period and slice."""
    village = Slice(prefixes=[testing.VILLAGE_A])
    mine = Slice(prefixes=[testing.TOWNSHIP], member=scenario.world.members[4].pk)
    grid = Slice(prefixes=[testing.VILLAGE_A], grid=scenario.world.grids[4].pk)
    periods = ["2026-10", "2026-11", "2026-12", "2026-Q4", "2025", "2026-11-01..2026-11-06"]
    for period in map(parse_period, periods):
        for where in (TOWNSHIP, village, mine, grid):
            found = counts(rate_tallies(period, where))
            assert rates_from_tallies(found["routed"], found["ratings"]) == rates_total(
                period, where, resolved=False
            ), (period, where)


def test_drill_down_lists_exactly_the_counted_requests(scenario):
    s = scenario
    assert _requests("routed", TOWNSHIP) == _ids(s, "r1", "r2", "r3", "r4", "r7")
    assert _requests("responded", TOWNSHIP) == _ids(s, "r1", "r3", "r4")
    assert _requests("escalated", TOWNSHIP) == _ids(s, "r3", "r4")
    assert _requests("ratings_solved", TOWNSHIP) == _ids(s, "r1", "r2", "r5")
    assert figure_rows("ratings", NOV, TOWNSHIP).count() == 5  # r3 twice
    assert _requests("rated", TOWNSHIP) == _ids(s, "r1", "r2", "r3", "r5")
    assert _requests("rated_solved", TOWNSHIP) == _ids(s, "r1", "r2", "r5")
    assert _requests("resolved", TOWNSHIP) == _ids(s, "r1", "r2", "r3", "r5")
    for figure in ("routed", "responded", "rated", "rated_solved", "resolved"):
        assert figure_rows(figure, NOV, TOWNSHIP).count() == len(_requests(figure, TOWNSHIP))


def test_other_periods(scenario):
    s = scenario
    october = parse_period("2026-10")
    rates = rates_total(october, TOWNSHIP)
    assert (rates.routed, rates.responded, rates.ratings, rates.resolved) == (1, 1, 0, 0)
    december = parse_period("2026-12")
    assert _requests("routed", TOWNSHIP, december) == _ids(s, "r6")
    q4 = rates_total(parse_period("2026-Q4"), TOWNSHIP)
    assert (q4.routed, q4.responded, q4.escalated, q4.rated) == (7, 5, 2, 4)
    # A custom range that ends before r3 was rated again: its first rating stood then, but
    # the standing rating is the last one ever given, now outside the range.
    early = parse_period("2026-11-01..2026-11-06")
    rates = rates_total(early, TOWNSHIP)
    assert rates.ratings == 4 and rates.rated == 3  # r5, r1, r2 stand; r3's first does not
    assert _requests("resolved", TOWNSHIP, early) == _ids(s, "r5", "r1", "r2")


def test_breakdown_by_village_grid_and_member(scenario):
    w = scenario.world
    villages = rates_by(NOV, TOWNSHIP, by="child", child_length=12)
    assert villages[testing.VILLAGE_A].routed == 4 and villages[testing.VILLAGE_A].responded == 3
    assert villages[testing.VILLAGE_B].routed == 1 and villages[testing.VILLAGE_B].responded == 0
    village = Slice(prefixes=[testing.VILLAGE_A])
    grids = rates_by(NOV, village, by="grid")
    # Attributed to the grid first routed to (L4), even after r3 and r4 went up to L3.
    assert set(grids) == {w.grids[4].pk}
    assert grids[w.grids[4].pk].escalated == 2 and grids[w.grids[4].pk].rated == 4
    members = rates_by(NOV, TOWNSHIP, by="member")
    assert members[w.members[4].pk].routed == 4
    assert members[None].routed == 1  # r7: nobody responsible
    assert _requests("routed", Slice(prefixes=[testing.TOWNSHIP], member="none")) == {
        scenario.r["r7"].pk
    }
    mine = Slice(prefixes=[testing.TOWNSHIP], member=w.members[4].pk)
    assert _requests("escalated", mine) == _ids(scenario, "r3", "r4")


def test_member_figures_only_for_self_and_leaders(scenario, member_a):
    w = scenario.world
    leader = metrics_for_area(w.users[2], testing.VILLAGE_A, NOV)  # village secretary
    assert w.members[4].pk in leader["members"]
    own = metrics_for_area(w.users[4], testing.VILLAGE_A, NOV)
    assert set(own["members"]) == {w.members[4].pk}
    assert own["members"][w.members[4].pk].routed == 4
    other = metrics_for_area(member_a, testing.VILLAGE_A, NOV)  # a member without a record
    assert other["members"] is None
    assert other["total"].routed == 4


def test_empty_period_has_no_rates(scenario):
    rates = rates_total(parse_period("2025"), TOWNSHIP)
    assert rates.routed == 0 and rates.response_rate is None and rates.median_hours is None


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2026-11", datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)),
        ("2026-12", datetime.date(2026, 12, 1), datetime.date(2027, 1, 1)),
        ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2027, 1, 1)),
        ("2026-q1", datetime.date(2026, 1, 1), datetime.date(2026, 4, 1)),
        ("2026", datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)),
        ("2026-11-03..2026-11-03", datetime.date(2026, 11, 3), datetime.date(2026, 11, 4)),
    ],
)
def test_parse_period(value, start, end):
    period = parse_period(value)
    assert (period.start, period.end) == (start, end)
    assert parse_period(period.key) == period


@pytest.mark.parametrize("value", ["2026-13", "2026-Q5", "nov", "2026-11-05..2026-11-01", "x..y"])
def test_parse_period_refuses_nonsense(value):
    with pytest.raises(PeriodError):
        parse_period(value)


def test_period_bounds_are_local_days():
    period = parse_period("2026-11")
    assert period.start_at == datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    assert period.end_at == datetime.datetime(2026, 12, 1, tzinfo=SHANGHAI)


def test_stats_rates_for_the_month(scenario):
    from wangge.appeals.metrics import stats_rates

    out = stats_rates(None, datetime.date(2026, 11, 30))["requests_rates"]
    assert out["period"] == "2026-11" and out["routed"] == 5 and out["rated"] == 4
    village_b = stats_rates(testing.VILLAGE_B, datetime.date(2026, 11, 30))["requests_rates"]
    assert village_b["routed"] == 1 and village_b["response_rate"] == 0
