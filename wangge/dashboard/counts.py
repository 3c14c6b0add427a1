"""The counts that the overview and the figure groups of one dashboard page share.

The overview's headline figures and charts and the figure groups below them count the same
members and households, and each group has a few single counts (grids without a leader, visits
in the last 30 days, flags by status, open plans, requests by state and the rows behind the
three rates; campaigns and what other apps add through ``core.reporting``). The page counts them
all in one statement (``core.counting.counts``) and hands the results to both (see "Dashboards
per level" in docs/benchmarks.md).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from wangge.accounts.scope import in_areas
from wangge.appeals.metrics import Slice, rate_tallies
from wangge.appeals.models import Appeal, State
from wangge.assistance.models import Plan, PlanStatus
from wangge.core.counting import Tally, counts
from wangge.core.periods import year_period
from wangge.core.reporting import Figure, extra_figures, pending_counts, with_counts
from wangge.flags.models import Flag, FlagStatus
from wangge.grids.models import Grid, GridHousehold, GridMember
from wangge.households.models import Household
from wangge.party.models import Member
from wangge.party.selectors import AGE_BANDS, birth_range
from wangge.regions.models import Level, Region
from wangge.visits.models import HouseholdSummary, Visit
from wangge.visits.selectors import DUE_SOON_DAYS, due_where

SERVICE_LAYER = "service"
VISITS_MADE_DAYS = 30


def _band_key(band: str) -> str:
    return f"band_{band.replace('-', '_')}"


def member_tally(members: QuerySet, today: datetime.date) -> Tally:
    """Members: total, mobile, aged 60 and over, in a service grid and per age band."""
    _earliest, born_by = birth_range(*AGE_BANDS["60plus"], today)
    in_service = GridMember.objects.filter(member=OuterRef("pk"), grid__layer__slug=SERVICE_LAYER)
    leads = Grid.objects.filter(responsible=OuterRef("pk"), layer__slug=SERVICE_LAYER)
    bands = {
        _band_key(band): Q(birth_date__range=birth_range(*ages, today))
        for band, ages in AGE_BANDS.items()
    }
    return Tally(
        members,
        {
            "over_60": Q(birth_date__lte=born_by),
            "mobile": Q(is_mobile=True),
            "in_grid": Q(Exists(in_service)) | Q(Exists(leads)),
            **bands,
        },
    )


def _members(row: dict) -> dict:
    return {
        "total": row["total"],
        "over_60": row["over_60"],
        "mobile": row["mobile"],
        "in_grid": row["in_grid"],
        "age_bands": {band: row[_band_key(band)] for band in AGE_BANDS},
    }


def household_tally(households: QuerySet, today: datetime.date) -> Tally:
    """Households (their summaries, ``visits.HouseholdSummary``): the total, those in a service
    grid, the key households and the key households without an active pairing, and the paired
    households with those overdue and falling due within a week."""
    return Tally(
        households,
        {
            "covered": Q(in_service_grid=True),
            "key": Q(is_key=True),
            "unpaired": Q(is_key=True, paired_since__isnull=True),
            **due_where(today, DUE_SOON_DAYS),
        },
    )


def household_summaries(prefixes: list[str], grid: Grid | None) -> QuerySet:
    """The summaries of the households under the prefixes, or in one grid among them."""
    households = in_areas(HouseholdSummary.objects.all(), prefixes)
    if grid is not None:
        households = households.filter(
            pk__in=GridHousehold.objects.filter(grid=grid).values("household_id")
        )
    return households


def single_counts(
    households: QuerySet, prefixes: list[str], grid: Grid | None, today: datetime.date
) -> dict[str, QuerySet]:
    """The figure groups' single counts, as querysets for ``counts``: grids without a leader
    (not for one grid), visits in the last 30 days, flags raised and accepted, open plans."""
    made = in_areas(Visit.objects.all(), prefixes).filter(
        visited_on__gt=today - datetime.timedelta(days=VISITS_MADE_DAYS), visited_on__lte=today
    )
    flags = in_areas(Flag.objects.all(), prefixes)
    plans = in_areas(Plan.objects.all(), prefixes)
    wanted = {}
    if grid is None:
        wanted["unled"] = in_areas(
            Grid.objects.filter(layer__slug=SERVICE_LAYER, responsible__isnull=True), prefixes
        )
    else:
        made = made.filter(
            household__in=GridHousehold.objects.filter(grid=grid).values("household_id")
        )
        flags = flags.filter(household__in=households.values("pk"))
        plans = plans.filter(household__in=households.values("pk"))
    wanted.update(
        made=made,
        flags_raised=flags.filter(status=FlagStatus.RAISED),
        flags_accepted=flags.filter(status=FlagStatus.ACCEPTED),
        plans_open=plans.filter(status=PlanStatus.OPEN),
    )
    return wanted


def request_tallies(households: QuerySet, prefixes: list[str], grid: Grid | None, today):
    """Requests per state (and how many were made this year), and the rows behind this year's
    three rates, as tallies for ``counts``. The dashboard shows the rates of the latest year
    that has requests: this year's once it has any, which the same statement tells; otherwise
    the requests group reads the year and its rates on its own (``levels._requests``)."""
    appeals = in_areas(Appeal.objects.all(), prefixes)
    if grid is not None:
        appeals = appeals.filter(household__in=households.values("pk"))
    this_year = year_period(today.year)
    where = {state: Q(state=state) for state in State.values}
    where["this_year"] = Q(created_at__gte=this_year.start_at)
    rates = rate_tallies(this_year, Slice(prefixes=prefixes, grid=grid.pk if grid else None))
    return {
        "appeals": Tally(appeals, where),
        "rates_routed": rates["routed"],
        "rates_ratings": rates["ratings"],
    }


@dataclass(frozen=True)
class AreaCounts:
    """What the overview and the figure groups of one page share: the members' counts, the
    households', the groups' single counts, the figures other apps add (``core.reporting``)
    and the villages in scope (by code)."""

    members: dict
    households: dict[str, int]
    single: dict[str, int]
    extra: list[Figure]
    villages: list[Region]


def group_counts(
    members: QuerySet,
    households: QuerySet,
    prefixes: list[str],
    grid: Grid | None,
    today: datetime.date,
    extra: list[Figure] | None = None,
) -> tuple[dict, dict, dict, list[Figure]]:
    """Members', households' and single counts (``single_counts``), and the counts still
    pending in the ``extra`` figures, in one statement."""
    extra = extra or []
    found = counts(
        {
            "members": member_tally(members, today),
            "households": household_tally(household_summaries(prefixes, grid), today),
            **single_counts(households, prefixes, grid, today),
            **request_tallies(households, prefixes, grid, today),
            **pending_counts(extra),
        }
    )
    members_row, households_row = found.pop("members"), found.pop("households")
    return _members(members_row), households_row, found, with_counts(extra, found)


def area_counts(user, prefixes: list[str], today: datetime.date) -> AreaCounts:
    """The shared counts for the areas ``prefixes`` (already checked against ``user``'s
    scope): two statements."""
    households = in_areas(Household.objects.all(), prefixes)
    members = in_areas(Member.objects.all(), prefixes)
    extra = extra_figures(user, prefixes, today)
    members_row, households_row, single, extra = group_counts(
        members, households, prefixes, None, today, extra
    )
    villages = in_areas(Region.objects.filter(level=Level.VILLAGE), prefixes, field="code")
    return AreaCounts(members_row, households_row, single, extra, list(villages.order_by("code")))
