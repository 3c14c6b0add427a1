"""Due and overdue visits with frozen dates, policies, and the roll-ups."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from wangge import testing
from wangge.core.errors import ConflictError
from wangge.visits.models import Visit, VisitPolicy
from wangge.visits.selectors import my_due, my_households, overdue_rollup, township_visit_figures
from wangge.visits.services import policy_set, visit_log

from .conftest import PAIRED_ON, pair

TODAY = datetime.date(2026, 3, 1)


def _log(world, household, day):
    return visit_log(actor=world["user"], household=household, visited_on=day, today=TODAY)[0]


def _status(rows):
    return {row.household.head_name: (row.status, row.next_due) for row in rows}


def test_never_visited_households_are_due_from_the_pairing(world):
    rows = my_households(world["user"], PAIRED_ON)
    assert _status(rows) == {"困难户甲": ("due", PAIRED_ON), "普通户乙": ("due", PAIRED_ON)}
    # The next day they are overdue.
    later = _status(my_households(world["user"], PAIRED_ON + datetime.timedelta(days=1)))
    assert {s for s, _d in later.values()} == {"overdue"}


def test_next_due_is_last_visit_plus_the_shortest_interval(world):
    _log(world, world["hardship"], datetime.date(2026, 2, 10))
    _log(world, world["hardship"], datetime.date(2026, 1, 20))  # an older visit does not count
    _log(world, world["plain"], datetime.date(2026, 2, 10))
    rows = _status(my_households(world["user"], TODAY))
    # Hardship: monthly; untagged: the default, quarterly.
    assert rows["困难户甲"] == ("ok", datetime.date(2026, 3, 12))
    assert rows["普通户乙"] == ("ok", datetime.date(2026, 5, 11))
    # A second tag with a shorter interval wins.
    world["hardship"].tags.add(world["tags"]["dispute"])
    rows = _status(my_households(world["user"], TODAY))
    assert rows["困难户甲"] == ("overdue", datetime.date(2026, 2, 24))
    assert [r.household.head_name for r in my_due(world["user"], TODAY)] == ["困难户甲"]


def test_due_soon_and_overdue_boundaries(world):
    _log(world, world["hardship"], datetime.date(2026, 1, 30))  # due 2026-03-01 = today
    assert _status(my_households(world["user"], TODAY))["困难户甲"][0] == "due"
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert _status(my_households(world["user"], tomorrow))["困难户甲"][0] == "overdue"
    # Due within a week counts as due on the home page.
    assert (
        _status(my_households(world["user"], TODAY - datetime.timedelta(days=7)))["困难户甲"][0]
        == "due"
    )
    assert (
        _status(my_households(world["user"], TODAY - datetime.timedelta(days=8)))["困难户甲"][0]
        == "ok"
    )


def test_policy_change_moves_due_dates(world, township_admin):
    _log(world, world["plain"], datetime.date(2026, 2, 10))
    assert _status(my_households(world["user"], TODAY))["普通户乙"][1] == datetime.date(2026, 5, 11)
    default = VisitPolicy.objects.get(township_code=testing.TOWNSHIP, tag__isnull=True)
    policy_set(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        interval_days=14,
        expected_version=default.version,
    )
    row = _status(my_households(world["user"], TODAY))["普通户乙"]
    assert row == ("overdue", datetime.date(2026, 2, 24))


def test_only_the_township_admin_sets_policies_and_stale_edits_fail(
    world, township_admin, secretary_a
):
    with pytest.raises(PermissionDenied):
        policy_set(actor=secretary_a, township_code=testing.TOWNSHIP, interval_days=7)
    policy = VisitPolicy.objects.get(township_code=testing.TOWNSHIP, tag__slug="hardship")
    policy_set(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        tag=policy.tag,
        interval_days=20,
        expected_version=policy.version,
    )
    with pytest.raises(ConflictError):
        policy_set(
            actor=township_admin,
            township_code=testing.TOWNSHIP,
            tag=policy.tag,
            interval_days=25,
            expected_version=policy.version,
        )
    assert VisitPolicy.objects.get(pk=policy.pk).interval_days == 20


def test_rollup_counts_overdue_and_on_time_per_village(world, secretary_a, township_admin):
    other = testing.make_member(area_code=testing.VILLAGE_B + "001", seq=2, name="陈党员")
    pair(other, world["far"])
    _log(world, world["hardship"], datetime.date(2026, 2, 20))  # on time
    # plain: never visited since 2026-01-05 → overdue; far: never visited → overdue
    rollup = overdue_rollup(township_admin, TODAY)
    assert (rollup["total"].paired, rollup["total"].overdue) == (3, 2)
    villages = {r.code: (r.paired, r.overdue, r.on_time_percent) for r in rollup["villages"]}
    assert villages == {testing.VILLAGE_A: (2, 1, 50.0), testing.VILLAGE_B: (1, 1, 0.0)}
    # A village secretary sees only their village.
    mine = overdue_rollup(secretary_a, TODAY)
    assert [r.code for r in mine["villages"]] == [testing.VILLAGE_A]
    assert township_visit_figures([testing.TOWNSHIP], TODAY)["visits_overdue"] == 2


def test_dashboard_due_counts_match_the_households_own_due_dates(world):
    """The dashboard's paired / overdue / due-within-a-week counts, at the boundaries."""
    from wangge.grids.models import GridHousehold
    from wangge.visits.selectors import due_counts

    other = testing.make_member(area_code=testing.VILLAGE_B + "001", seq=2, name="陈党员")
    pair(other, world["far"])
    _log(world, world["hardship"], datetime.date(2026, 2, 5))  # monthly: due 2026-03-07
    _log(world, world["far"], datetime.date(2025, 11, 1))  # quarterly: due 2026-01-30, overdue
    # plain: never visited since the pairing → overdue.
    assert due_counts([testing.TOWNSHIP], TODAY, 7) == (3, 2, 1)
    assert due_counts([testing.VILLAGE_A], TODAY, 7) == (2, 1, 1)
    assert due_counts([testing.VILLAGE_A], TODAY, 5) == (2, 1, 0)  # due on day 6
    assert due_counts([testing.TOWNSHIP], datetime.date(2026, 3, 7), 1) == (3, 2, 1)  # due today
    assert due_counts([testing.TOWNSHIP], datetime.date(2026, 3, 8), 7) == (3, 3, 0)
    assert due_counts([], TODAY, 7) == (0, 0, 0)
    in_no_grid = GridHousehold.objects.filter(grid_id=-1).values("household_id")
    assert due_counts([testing.TOWNSHIP], TODAY, 7, where=Q(pk__in=in_no_grid)) == (0, 0, 0)
    # The same as the roll-up's groups.
    assert township_visit_figures([testing.TOWNSHIP], TODAY)["visits_overdue"] == 2


def test_rollup_queries_are_constant(world, township_admin, django_assert_max_num_queries):
    for seq in range(20, 30):
        home = testing.make_household(area_code=testing.VILLAGE_A + "001", seq=seq)
        pair(world["member"], home)
    township_admin._wangge_scope = None
    with django_assert_max_num_queries(4):
        rollup = overdue_rollup(township_admin, TODAY)
    assert rollup["total"].paired == 12
    assert Visit.objects.count() == 0


def test_a_visits_needs_link_to_one_request(world):
    from wangge.core.errors import DomainError
    from wangge.visits.services import visit_need_link

    quiet = _log(world, world["plain"], datetime.date(2026, 2, 1))
    with pytest.raises(DomainError):
        visit_need_link(actor=world["user"], visit=quiet, request_id=7)
    visit, _created = visit_log(
        actor=world["user"],
        household=world["hardship"],
        visited_on=datetime.date(2026, 2, 2),
        needs="屋顶漏雨",
        today=TODAY,
    )
    visit_need_link(actor=world["user"], visit=visit, request_id=7)
    assert Visit.objects.get(pk=visit.pk).need_request_id == 7
    with pytest.raises(ConflictError):
        visit_need_link(actor=world["user"], visit=visit, request_id=8)


def test_dashboard_due_counts_agree_with_the_rollup_every_day(world):
    """The dashboard adds the interval to the last visit in SQL (per database); the roll-up
    compares with one cut-off per interval. Day by day across month and year ends, with
    monthly and quarterly households, both give the same overdue counts."""
    from wangge.visits.selectors import due_counts, rollup_counts

    other = testing.make_member(area_code=testing.VILLAGE_B + "001", seq=2, name="陈党员")
    pair(other, world["far"])
    _log(world, world["hardship"], datetime.date(2026, 1, 31))
    _log(world, world["far"], datetime.date(2025, 12, 31))
    _log(world, world["plain"], datetime.date(2026, 2, 28))
    day = datetime.date(2026, 2, 20)
    while day <= datetime.date(2026, 4, 5):
        paired, overdue = rollup_counts([testing.TOWNSHIP], {"all": Q()}, day)["all"]
        week = day + datetime.timedelta(days=7)
        _paired, before_week = rollup_counts([testing.TOWNSHIP], {"all": Q()}, week)["all"]
        assert due_counts([testing.TOWNSHIP], day, 7) == (
            paired,
            overdue,
            before_week - overdue,
        ), day
        day += datetime.timedelta(days=1)
