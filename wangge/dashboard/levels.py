"""The figures of the township, village and grid dashboards, each with the list behind it.

One function, ``level_figures``, for any area the user sees (a township, a village) or one grid:
members (age, mobile, in no grid), grid coverage, pairing, visits overdue and due within a week,
the request funnel and its three rates, risk flags and assistance plans, and what other apps add
through ``core.reporting`` (campaigns; assessment scores once they exist). Aggregate queries only,
read from the record itself, so a write shows at the next page load. A link is given only to a
user whose role opens that list (the list scopes its rows again).
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import in_areas, role_set, sees_personal_data
from wangge.appeals.metrics import Slice, rates_from_tallies, rates_total
from wangge.appeals.models import Appeal, State
from wangge.appeals.selectors import my_requests
from wangge.assistance.models import PlanStatus
from wangge.assistance.selectors import steps_due
from wangge.core.periods import year_period
from wangge.core.reporting import Figure, extra_figures
from wangge.dashboard.counts import (
    SERVICE_LAYER,
    AreaCounts,
    group_counts,
)
from wangge.flags.models import FlagStatus
from wangge.grids.models import Grid, GridHousehold, GridMember
from wangge.households.models import Household
from wangge.party.models import Member
from wangge.visits.selectors import is_cadre, my_households

OFFICE = {"township_admin", "township_leader", "village_secretary", "village_committee"}
FLAG_READERS = OFFICE | {"data_officer", "discipline"}


@dataclass
class FigureGroup:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def level_figures(
    user,
    prefixes: list[str],
    *,
    grid: Grid | None = None,
    today: datetime.date | None = None,
    counts: AreaCounts | None = None,
) -> list[FigureGroup]:
    """The dashboard's figure groups for the areas ``prefixes`` (already checked against the
    user's scope), or for one service ``grid`` in them; ``counts`` (``area_counts`` of the same
    prefixes) when the page has them already. The members', households' and single counts of
    the groups are one statement (``dashboard.counts.group_counts``)."""
    today = today or timezone.localdate()
    roles = role_set(user)
    personal = sees_personal_data(user)
    area = prefixes[0] if len(prefixes) == 1 else ""
    households = in_areas(Household.objects.all(), prefixes)
    members = in_areas(Member.objects.all(), prefixes)
    if grid is not None:
        in_grid = GridHousehold.objects.filter(grid=grid).values("household_id")
        households = households.filter(pk__in=in_grid)
        members = members.filter(
            Q(pk__in=GridMember.objects.filter(grid=grid).values("member_id"))
            | Q(pk=grid.responsible_id)
        )
    if counts is None or grid is not None:
        extra = extra_figures(user, prefixes, today) if grid is None else []
        member_row, household_row, single, extra = group_counts(
            members, households, prefixes, grid, today, extra
        )
    else:
        member_row, household_row, single = counts.members, counts.households, counts.single
        extra = counts.extra
    groups = [
        _members(member_row, personal, area, grid),
        _coverage(household_row, single, personal, grid),
        _pairing(household_row, personal, area),
        _visits(household_row, is_cadre(user), area, single),
        _requests(prefixes, today, personal, area, grid, single),
        _flags(single, roles, area),
    ]
    if extra:
        groups.append(FigureGroup("more", _("Campaigns and assessment"), extra))
    return groups


def _members(row: dict, personal: bool, area: str, grid) -> FigureGroup:
    link = personal and grid is None
    listed = "party:member_list"
    return FigureGroup(
        "members",
        _("Party members"),
        [
            Figure("members", _("Party members"), row["total"],
                   _url(listed, area_code=area) if link else ""),
            Figure("members_over_60", _("Aged 60 and over"), row["over_60"],
                   _url(listed, area_code=area, age_band="60plus") if link else ""),
            Figure("members_mobile", _("Mobile members"), row["mobile"],
                   _url(listed, area_code=area, mobile="1") if link else ""),
            Figure("members_in_grid", _("In a service grid"), row["in_grid"],
                   reverse("grids:layer_gaps", args=[SERVICE_LAYER, "members"])
                   if link else ""),
        ],
    )  # fmt: skip


def _coverage(row: dict, single: dict, personal: bool, grid) -> FigureGroup:
    total, covered = row["total"], row["covered"]
    gaps = "grids:layer_gaps"
    figures = [
        Figure("households", _("Households"), total,
               _url("households:household_list") if personal and grid is None else ""),
        Figure("households_in_grid", _("Households in a service grid"), covered,
               reverse(gaps, args=[SERVICE_LAYER, "households"]) if personal else ""),
        Figure("coverage_percent", _("Coverage (%)"), _share(covered, total),
               reverse(gaps, args=[SERVICE_LAYER, "households"]) if personal else ""),
    ]  # fmt: skip
    if grid is None:
        figures.append(
            Figure("grids_unled", _("Grids without a responsible member"), single["unled"],
                   reverse(gaps, args=[SERVICE_LAYER, "unled"]) if personal else "")
        )  # fmt: skip
    return FigureGroup("coverage", _("Grid coverage"), figures)


def _pairing(row: dict, personal: bool, area: str) -> FigureGroup:
    key, unpaired = row["key"], row["unpaired"]
    village = area if len(area) == 12 else ""
    return FigureGroup(
        "pairing",
        _("Pairing"),
        [
            Figure("key_households", _("Key households"), key,
                   _url("pairing:overview") if personal else ""),
            Figure("key_paired_percent", _("Key households paired (%)"),
                   _share(key - unpaired, key),
                   _url("pairing:overview") if personal else ""),
            Figure("key_unpaired", _("Key households not yet paired"), unpaired,
                   _url("pairing:unpaired", village=village) if personal else ""),
        ],
    )  # fmt: skip


def _visits(row: dict, cadre: bool, area: str, single: dict) -> FigureGroup:
    paired, overdue, due_soon = row["paired"], row["overdue"], row["due_soon"]
    link = _url("visits:overview", area=area) if cadre else ""
    listed = _url("visits:visit_list", area_code=area) if cadre else ""
    return FigureGroup(
        "visits",
        _("Visits"),
        [
            Figure("visits_paired", _("Paired households"), paired, link),
            Figure("visits_overdue", _("Visits overdue"), overdue, link),
            Figure("visits_due_soon", _("Visits due within a week"), due_soon, link),
            Figure("visits_on_time_percent", _("Visited on time (%)"),
                   _share(paired - overdue, paired), link),
            Figure("visits_last_30_days", _("Visits in the last 30 days"), single["made"],
                   listed),
        ],
    )  # fmt: skip


def _requests(prefixes, today, personal: bool, area: str, grid, single: dict) -> FigureGroup:
    counts = single["appeals"]
    link = personal and grid is None

    def listed(*states) -> str:
        return _url("appeals:list", state=states[0] if len(states) == 1 else "", area_code=area)

    open_now = sum(counts[s] for s in (State.ACCEPTED, State.IN_PROGRESS))
    # The rates of the latest year that has requests: this year's once it has any (counted
    # with the page's other figures), else the year of the latest request, read here.
    if counts["this_year"] or not counts["total"]:
        year = today.year
        rates = rates_from_tallies(single["rates_routed"], single["rates_ratings"])
    else:
        appeals = in_areas(Appeal.objects.all(), prefixes)
        if grid is not None:
            appeals = appeals.filter(
                household__in=GridHousehold.objects.filter(grid=grid).values("household_id")
            )
        latest = appeals.aggregate(at=Max("created_at"))["at"]
        year = min(today.year, timezone.localtime(latest).year) if latest else today.year
        # The three rates only: the resolved rows (for the median time) are not shown here.
        rates = rates_total(
            year_period(year),
            Slice(prefixes=prefixes, grid=grid.pk if grid is not None else None),
            resolved=False,
        )
    metrics = _url("appeals_metrics:page", period=str(year), area=area)
    figures = [
        Figure("requests_submitted", _("Waiting to be accepted"),
               counts[State.SUBMITTED], listed(State.SUBMITTED) if link else ""),
        Figure("requests_in_hand", _("Accepted, being handled"), open_now,
               listed(State.IN_PROGRESS) if link else ""),
        Figure("requests_resolved", _("Resolved, waiting for a rating"),
               counts[State.RESOLVED], listed(State.RESOLVED) if link else ""),
        Figure("requests_done", _("Rated or closed"),
               counts[State.RATED] + counts[State.CLOSED],
               listed(State.RATED) if link else ""),
    ]  # fmt: skip
    for key, label, value in (
        ("response_rate", _("Response rate (%)"), rates.response_rate),
        ("resolution_rate", _("Resolution rate (%)"), rates.resolution_rate),
        ("satisfaction_rate", _("Satisfaction rate (%)"), rates.satisfaction_rate),
    ):
        shown = None if value is None else round(100 * value, 1)
        figures.append(Figure(key, label, shown, metrics if personal else ""))
    title = _("Requests (rates for %(year)s)") % {"year": year}
    return FigureGroup("requests", title, figures)


def _flags(single: dict, roles: set[str], area: str) -> FigureGroup:
    link = bool(roles & FLAG_READERS)
    return FigureGroup(
        "flags",
        _("Risk flags and assistance"),
        [
            Figure("flags_raised", _("Flags waiting for a decision"), single["flags_raised"],
                   _url("flags:queue", status=FlagStatus.RAISED, area_code=area) if link else ""),
            Figure("flags_accepted", _("Hardship families (accepted flags)"),
                   single["flags_accepted"],
                   _url("flags:queue", status=FlagStatus.ACCEPTED, area_code=area)
                   if link else ""),
            Figure("plans_open", _("Assistance plans open"), single["plans_open"],
                   _url("assistance:plan_list", status=PlanStatus.OPEN) if link else ""),
        ],
    )  # fmt: skip


def member_figures(user, *, today: datetime.date | None = None) -> list[FigureGroup]:
    """A member's own dashboard: the households they are paired with and their visits, the
    requests and assistance steps that are theirs to do. Their own work only, never a ranking."""
    today = today or timezone.localdate()
    rows = my_households(user, today)
    overdue = sum(1 for r in rows if r.status == "overdue")
    due = sum(1 for r in rows if r.status == "due")
    return [
        FigureGroup(
            "mine",
            _("My work"),
            [
                Figure("my_households", _("Households paired with me"), len(rows),
                       reverse("visits:mine")),
                Figure("my_overdue", _("Visits overdue"), overdue, reverse("visits:home")),
                Figure("my_due", _("Visits due within a week"), due, reverse("visits:home")),
                Figure("my_requests", _("Requests for me to handle"),
                       my_requests(user).count(), reverse("appeals:mine")),
                Figure("my_steps", _("Assistance steps due"), steps_due(user).count(),
                       reverse("assistance:steps_due")),
            ],
        )
    ]  # fmt: skip
