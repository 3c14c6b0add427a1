"""Reads of visits and due dates, always given the user and scoped.

A household's interval is the shortest among its tags' policies (the township default
otherwise), its next visit is due one interval after the last visit, and a household never
visited is due from the day it was paired. The database keeps each household's due date with
the record (``HouseholdSummary``, ``visits.summary``); the counts and lists here read it.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import (
    area_prefixes,
    in_areas,
    own_member,
    personal,
    personal_prefixes,
    prefix_q,
    require_personal_data,
    townships_of,
)
from wangge.core.counting import Tally, counts
from wangge.core.periods import ledger_scope, parse_period
from wangge.grids.models import Grid, GridHousehold
from wangge.households.models import Household, Tag
from wangge.households.selectors import SENSITIVE
from wangge.pairing.models import Pairing
from wangge.pairing.selectors import household_ids_paired_with
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region
from wangge.visits.models import FALLBACK_INTERVAL_DAYS, HouseholdSummary, Visit, VisitPolicy

# Roles that follow visits across an area (cadres); a plain member sees their own households.
CADRE_ROLES = {
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_LEADER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
    Role.GROUP_LEADER,
    Role.DISCIPLINE,
}
# Roles that may log a visit to any household of their area (not only paired ones).
VISIT_WRITERS = CADRE_ROLES - {Role.DISCIPLINE}
# "Due" on the member's home page: due today or within this many days.
DUE_SOON_DAYS = 7


def cadre_prefixes(user) -> list[str]:
    return area_prefixes(user, CADRE_ROLES)


def is_cadre(user) -> bool:
    return bool(cadre_prefixes(user))


# --- policies --------------------------------------------------------------------------


def policy_townships(user) -> list[str]:
    """The townships whose visit policies the user sees (a cadre's)."""
    return townships_of(user, CADRE_ROLES)


def policy_township(user, requested: str | None) -> str:
    """The township asked for, or the user's first; 404 outside the user's, 403 for non-cadres."""
    townships = policy_townships(user)
    if not townships:
        raise PermissionDenied(_("Visit policies are shown to cadres of a township."))
    if requested and requested not in townships:
        raise Http404
    return requested or townships[0]


def can_edit_policies(user, township_code: str) -> bool:
    return any(township_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN}))


def policy_list(user, township_code: str) -> QuerySet:
    """The township's policies, when it is one of the user's (else none)."""
    if township_code not in policy_townships(user):
        return VisitPolicy.objects.none()
    return _policies_for_township(township_code)


def policy_for_user(user, pk: int) -> VisitPolicy:
    try:
        return VisitPolicy.objects.select_related("tag").get(
            pk=pk, township_code__in=policy_townships(user)
        )
    except VisitPolicy.DoesNotExist as exc:
        raise Http404 from exc


def _policies_for_township(township_code: str) -> QuerySet:
    return (
        VisitPolicy.objects.filter(township_code=township_code)
        .select_related("tag")
        .order_by("tag__kind", "tag__sort", "id")
    )


def policy_table(
    user, township_code: str
) -> tuple[VisitPolicy | None, list[tuple[Tag, VisitPolicy | None]]]:
    """The township's default policy, and every tag with its policy (None: the default applies)."""
    policies = list(policy_list(user, township_code))
    default = next((p for p in policies if p.tag_id is None), None)
    by_tag = {p.tag_id: p for p in policies if p.tag_id is not None}
    return default, [(tag, by_tag.get(tag.pk)) for tag in Tag.objects.order_by("kind", "sort")]


def _paired(prefixes: list[str] | None) -> QuerySet:
    """The summaries of the paired households under the prefixes; ``None``: every area."""
    rows = HouseholdSummary.objects.filter(paired_since__isnull=False)
    return rows if prefixes is None else in_areas(rows, prefixes)


# --- a member's households -------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    household: Household
    last_visited_on: datetime.date | None
    interval_days: int
    next_due: datetime.date
    status: str  # "overdue", "due" (within DUE_SOON_DAYS) or "ok"

    @property
    def never_visited(self) -> bool:
        return self.last_visited_on is None


def _due_row(household: Household, today: datetime.date) -> DueRow:
    # The due date is the summary's (``visits.summary``: the one place the rule is written).
    next_due = household.due_on or today
    if next_due < today:
        status = "overdue"
    elif next_due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        status = "due"
    else:
        status = "ok"
    return DueRow(household, household.last_visited_on, household.interval_days, next_due, status)


def my_households(user, today: datetime.date) -> list[DueRow]:
    """The households the user's member record is paired with, soonest due first."""
    require_personal_data(user)
    member = getattr(user, "member", None)
    if member is None:
        return []
    households = (
        Household.objects.defer(*SENSITIVE)
        .filter(pk__in=household_ids_paired_with(member))
        .select_related("area")
        .annotate(
            last_visited_on=F("visit_summary__last_visited_on"),
            interval_days=F("visit_summary__interval_days"),
            due_on=F("visit_summary__due_on"),
        )
    )
    rows = [_due_row(h, today) for h in households]
    return sorted(rows, key=lambda r: (r.next_due, r.household.head_name, r.household.pk))


def my_due(user, today: datetime.date) -> list[DueRow]:
    """Overdue and due-soon visits: the member's tasks for today."""
    return [row for row in my_households(user, today) if row.status != "ok"]


# --- access ---------------------------------------------------------------------------


def household_for_visit(user, pk: int) -> Household:
    """A household the user may log a visit to: paired with them, or in a cadre's area; else 404."""
    require_personal_data(user)
    qs = Household.objects.defer(*SENSITIVE).select_related("area")
    member = getattr(user, "member", None)
    allowed = Q(pk__in=[]) if member is None else Q(pk__in=household_ids_paired_with(member))
    for prefix in area_prefixes(user, VISIT_WRITERS):
        allowed |= prefix_q("area_code", prefix)
    try:
        return qs.filter(allowed).get(pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


def household_paired_with_user(user, pk: int) -> Household:
    """A household paired with the user's member record today; else 404 (whoever the user is)."""
    member = getattr(user, "member", None)
    if member is None:
        raise Http404
    try:
        return Household.objects.filter(pk__in=household_ids_paired_with(member)).get(pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


def visit_list(user) -> QuerySet:
    """Visits the user may read: a cadre's area, and a member's own and paired households'."""
    require_personal_data(user)
    member = getattr(user, "member", None)
    allowed = Q(pk__in=[])
    for prefix in cadre_prefixes(user):
        allowed |= prefix_q("area_code", prefix)
    if member is not None:
        allowed |= Q(member=member) | Q(household_id__in=household_ids_paired_with(member))
    return (
        Visit.objects.filter(allowed)
        .select_related("household", "member", "area")
        .defer(*(f"household__{f}" for f in SENSITIVE), "member__id_number", "member__phone")
        .order_by("-visited_on", "-id")
    )


@dataclass(frozen=True)
class VisitFilters:
    """The visit list's filters (``household``) and a ledger's area and period."""

    household: int | None = None
    area_code: str = ""
    period: str = ""

    @classmethod
    def from_params(cls, params) -> "VisitFilters":
        area_code, period = ledger_scope(params)
        household = str(params.get("household") or "")
        return cls(
            household=int(household) if household.isdigit() else None,
            area_code=area_code,
            period=period.key if period else "",
        )


def filtered_visits(user, filters: VisitFilters) -> QuerySet:
    """``visit_list`` narrowed by the list's filters: the household, an area, a period."""
    qs = visit_list(user)
    if filters.household is not None:
        qs = qs.filter(household_id=filters.household)
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    if filters.period:
        period = parse_period(filters.period)
        qs = qs.filter(visited_on__gte=period.start, visited_on__lt=period.end)
    return qs


def visit_for_user(user, pk: int) -> Visit:
    try:
        return visit_list(user).get(pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404 from exc


def visits_of_household(user, household: Household) -> QuerySet:
    return visit_list(user).filter(household=household)


def visits_of_campaign(user, campaign) -> QuerySet:
    """The campaign's visits in the user's areas, unordered (for counting)."""
    return personal(Visit.objects.filter(campaign=campaign), user, own=own_visits).order_by()


def own_visits(user) -> Q:
    """An ordinary member's own visits: those they made or entered."""
    return own_member(user, "member_id") | Q(created_by_id=user.pk)


# --- roll-ups ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    code: str
    name: str
    paired: int
    overdue: int

    @property
    def on_time(self) -> int:
        return self.paired - self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Share of paired households whose visit is not overdue (None when there are none)."""
        return self.on_time / self.paired if self.paired else None

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return None if rate is None else round(100 * rate, 1)


def rollup_counts(
    prefixes: list[str] | None, groups: dict[str, Q], today: datetime.date, *, by_grid: bool = False
) -> dict[str, tuple[int, int]]:
    """(paired, overdue) per named group of paired households (``groups``: conditions on
    their summaries; ``service_grid`` with ``by_grid``), in one query."""
    if not groups or prefixes == []:
        return {name: (0, 0) for name in groups}
    households = _paired(prefixes)
    if by_grid:
        grid = GridHousehold.objects.filter(household=OuterRef("pk"), layer__slug="service")
        households = households.annotate(service_grid=Subquery(grid.values("grid_id")[:1]))
    late = Q(due_on__lt=today)
    aggregates = {}
    for i, q in enumerate(groups.values()):
        aggregates[f"p{i}"] = Count("pk", filter=q)
        aggregates[f"o{i}"] = Count("pk", filter=q & late)
    row = households.order_by().aggregate(**aggregates)
    return {name: (row[f"p{i}"], row[f"o{i}"]) for i, name in enumerate(groups)}


def due_where(today: datetime.date, soon_days: int) -> dict[str, Q]:
    """Conditions on household summaries: paired, overdue, falling due within ``soon_days``."""
    soon = today + datetime.timedelta(days=soon_days)
    return {
        "paired": Q(paired_since__isnull=False),
        "overdue": Q(due_on__lt=today),
        "due_soon": Q(due_on__gte=today, due_on__lt=soon),
    }


def due_counts(
    prefixes: list[str], today: datetime.date, soon_days: int, *, where: Q | None = None
) -> tuple[int, int, int]:
    """(paired, overdue, falling due within ``soon_days``) for the paired households under the
    prefixes (and ``where``, on their summaries)."""
    if prefixes == []:
        return (0, 0, 0)
    households = _paired(prefixes)
    if where is not None:
        households = households.filter(where)
    row = counts({"due": Tally(households, due_where(today, soon_days))})["due"]
    return row["paired"], row["overdue"], row["due_soon"]


def overdue_rollup(user, today: datetime.date, *, area_code: str = "") -> dict:
    """Paired households and overdue visits for the user's area, its villages and (for one
    village) its service grids."""
    prefixes = personal_prefixes(user, CADRE_ROLES)
    if area_code:
        if not any(area_code.startswith(p) for p in prefixes):
            raise Http404
        prefixes = [area_code]
    villages = list(
        in_areas(Region.objects.filter(level=Level.VILLAGE), prefixes, field="code").order_by(
            "code"
        )
    )
    village_names = {v.code: v.name for v in villages}
    per_village = _village_counts(prefixes, today)
    # Every paired household falls in exactly one group of the GROUP BY.
    total = tuple(sum(counts) for counts in zip(*per_village.values(), strict=True)) or (0, 0)
    grids = _service_grids(villages[0].code) if len(villages) == 1 else []
    groups = {f"grid-{grid.pk}": Q(service_grid=grid.pk) for grid in grids}
    counts = rollup_counts(prefixes, groups, today, by_grid=True) if grids else {}
    return {
        "total": Rollup("", "", *total),
        "villages": [
            Rollup(code, name, *per_village.get(code, (0, 0)))
            for code, name in village_names.items()
        ],
        "grids": [Rollup(str(g.pk), g.name, *counts[f"grid-{g.pk}"]) for g in grids],
    }


def _village_counts(prefixes: list[str], today: datetime.date) -> dict[str, tuple[int, int]]:
    """(paired, overdue) per village in one GROUP BY, a query of the same size however many
    villages the areas hold (a filter per village overflowed SQLite over a province)."""
    rows = (
        _paired(prefixes)
        .order_by()
        .values(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .annotate(paired=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    )
    return {row["village"]: (row["paired"], row["overdue"]) for row in rows}


def _service_grids(village_code: str) -> list:
    """The service layer's lowest grids in a village (where households are assigned)."""
    return list(
        Grid.objects.filter(prefix_q("area_code", village_code), layer__slug="service")
        .filter(assignments__isnull=False)
        .distinct()
        .order_by("area_code", "level", "name")
    )


def township_visit_figures(prefixes: list[str], today: datetime.date) -> dict:
    """For the dashboard: paired households, overdue, on-time rate, visits in the last 30 days."""
    paired, overdue = rollup_counts(prefixes, {"all": Q()}, today)["all"]
    recent = (
        in_areas(Visit.objects.all(), prefixes)
        .filter(visited_on__gt=today - datetime.timedelta(days=30), visited_on__lte=today)
        .count()
    )
    rate = (paired - overdue) / paired if paired else None
    return {
        "visits_paired_households": paired,
        "visits_overdue": overdue,
        "visits_on_time_percent": None if rate is None else round(100 * rate, 1),
        "visits_last_30_days": recent,
    }


def visits_in_period(prefixes: list[str], start: datetime.date, end: datetime.date) -> dict:
    """Visits made on days [start, end) under the (already scoped) prefixes: in all, per kind,
    and how many households they reached (for the quarterly bulletin)."""
    visits = in_areas(Visit.objects.filter(visited_on__gte=start, visited_on__lt=end), prefixes)
    kinds = dict(visits.order_by().values_list("kind").annotate(n=Count("id")))
    return {
        "visits": sum(kinds.values()),
        "visits_by_kind": kinds,
        "households_visited": visits.order_by().values("household_id").distinct().count(),
    }


# A member's pairings standing on a day, each with its household, the last visit before a date
# and the interval (the shortest among the household's tags' policies, else the township
# default's, else the fallback): one statement, portable between SQLite and PostgreSQL, run
# without the ORM's query building (the assessment drill-down's cost).
_PAIRINGS_LAST_VISIT_SQL = """
SELECT h.head_name, h.address, p.started_on,
  (SELECT max(v.visited_on) FROM {visit} v
    WHERE v.household_id = p.household_id AND v.visited_on < %s) AS last_visit,
  COALESCE(
    (SELECT min(vp.interval_days) FROM {tags} t
       JOIN {policy} vp ON vp.tag_id = t.tag_id AND vp.township_code = %s
      WHERE t.household_id = p.household_id),
    (SELECT min(vp.interval_days) FROM {policy} vp
      WHERE vp.township_code = %s AND vp.tag_id IS NULL),
    %s) AS days
FROM {pairing} p JOIN {household} h ON h.id = p.household_id
WHERE p.member_id = %s AND p.township_code = %s AND p.started_on <= %s
  AND (p.ended_on IS NULL OR p.ended_on > %s)
"""


def _pairings_last_visit_sql() -> str:
    quote = connections["default"].ops.quote_name
    return _PAIRINGS_LAST_VISIT_SQL.format(
        visit=quote(Visit._meta.db_table),
        tags=quote(Household.tags.through._meta.db_table),
        policy=quote(VisitPolicy._meta.db_table),
        pairing=quote(Pairing._meta.db_table),
        household=quote(Household._meta.db_table),
    )


def _day(value) -> datetime.date | None:
    """A date column as a date (SQLite gives the ISO text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def pairings_with_last_visit(
    member, *, standing_on: datetime.date, before: datetime.date
) -> list[tuple]:
    """``(head_name, address, paired_since, last_visit, interval_days)`` for each of the
    member's pairings standing on ``standing_on``, the last visit being the latest before
    ``before`` (None if none)."""
    township = member.township_code
    as_date = connections["default"].ops.adapt_datefield_value
    params = [
        as_date(before),
        township,
        township,
        FALLBACK_INTERVAL_DAYS,
        member.pk,
        township,
        as_date(standing_on),
        as_date(standing_on),
    ]
    with connections["default"].cursor() as cursor:
        cursor.execute(_pairings_last_visit_sql(), params)
        return [
            (name, address, _day(since), _day(seen), days)
            for name, address, since, seen, days in cursor.fetchall()
        ]
