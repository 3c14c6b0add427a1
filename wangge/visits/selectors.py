"""Reads of visits and due dates, always given the user and scoped.

Due dates are computed on read: a household's interval is the shortest among its tags'
policies (the township default otherwise), its next visit is due one interval after the last
visit, and a household never visited is due from the day it was paired.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Substr
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
from wangge.core.periods import ledger_scope, parse_period
from wangge.grids.models import Grid, GridHousehold
from wangge.households.models import Household, Tag
from wangge.households.selectors import SENSITIVE
from wangge.pairing.models import Pairing
from wangge.pairing.selectors import household_ids_paired_with
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region
from wangge.visits.models import FALLBACK_INTERVAL_DAYS, Visit, VisitPolicy

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
# A LIMIT larger than any table, used as an optimisation fence (see rollup_counts).
UNBOUNDED = 2**62
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


def _interval_expression():
    """Days between visits for the household in the outer query."""
    tags = Household.tags.through.objects.filter(household_id=OuterRef(OuterRef("pk")))
    by_tag = (
        VisitPolicy.objects.filter(
            township_code=OuterRef("township_code"), tag_id__in=tags.values("tag_id")
        )
        .order_by()
        .values("township_code")
        .annotate(days=Min("interval_days"))
        .values("days")
    )
    default = (
        VisitPolicy.objects.filter(township_code=OuterRef("township_code"), tag__isnull=True)
        .order_by()
        .values("interval_days")[:1]
    )
    return Coalesce(
        Subquery(by_tag, output_field=IntegerField()),
        Subquery(default, output_field=IntegerField()),
        Value(FALLBACK_INTERVAL_DAYS),
    )


def _with_due_fields(households: QuerySet) -> QuerySet:
    """Annotate ``last_visited_on``, ``paired_since`` and ``interval_days``."""
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on")
    since = (
        Pairing.objects.filter(ended_on__isnull=True)
        .filter(household=OuterRef("pk"))
        .order_by()
        .values("household_id")
        .annotate(first=Min("started_on"))
        .values("first")
    )
    return households.annotate(
        last_visited_on=Subquery(last.values("visited_on")[:1]),
        paired_since=Subquery(since),
        interval_days=_interval_expression(),
    )


def _intervals() -> set[int]:
    days = VisitPolicy.objects.order_by().values_list("interval_days", flat=True).distinct()
    return set(days) | {FALLBACK_INTERVAL_DAYS}


def _overdue_q(today: datetime.date, intervals: set[int] | None = None) -> Q:
    """Households (annotated by ``_with_due_fields``) whose next visit was due before today.

    One comparison per distinct interval instead of date arithmetic in SQL, which SQLite and
    PostgreSQL spell differently; there are only a handful of intervals.
    """
    intervals = intervals if intervals is not None else _intervals()
    q = Q(last_visited_on__isnull=True, paired_since__lt=today)
    for days in sorted(intervals):
        q |= Q(interval_days=days, last_visited_on__lt=today - datetime.timedelta(days=days))
    return q


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
    last = household.last_visited_on
    interval = household.interval_days or FALLBACK_INTERVAL_DAYS
    if last is not None:
        next_due = last + datetime.timedelta(days=interval)
    else:
        next_due = household.paired_since or today
    if next_due < today:
        status = "overdue"
    elif next_due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        status = "due"
    else:
        status = "ok"
    return DueRow(household, last, interval, next_due, status)


def my_households(user, today: datetime.date) -> list[DueRow]:
    """The households the user's member record is paired with, soonest due first."""
    require_personal_data(user)
    member = getattr(user, "member", None)
    if member is None:
        return []
    households = _with_due_fields(
        Household.objects.defer(*SENSITIVE)
        .filter(pk__in=household_ids_paired_with(member))
        .select_related("area")
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


def _paired_households_in(prefixes: list[str] | None) -> QuerySet:
    """Paired households under the prefixes; ``None`` means every area (no filter at all)."""
    paired = Pairing.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    households = (
        Household.objects.all() if prefixes is None else in_areas(Household.objects.all(), prefixes)
    )
    return households.filter(Exists(paired))


def rollup_counts(
    prefixes: list[str] | None, groups: dict[str, Q], today: datetime.date, *, by_grid: bool = False
) -> dict[str, tuple[int, int]]:
    """(paired, overdue) per named group of households, in one query.

    The due fields are computed once per household in an inner query; the groups and the
    overdue test are filters of the outer count (Django wraps the annotated query because the
    aggregates refer to subquery annotations).
    """
    if not groups or prefixes == []:
        return {name: (0, 0) for name in groups}
    households = _with_due_fields(_paired_households_in(prefixes)).order_by()
    if by_grid:
        grid = GridHousehold.objects.filter(household=OuterRef("pk"), layer__slug="service")
        households = households.annotate(service_grid=Subquery(grid.values("grid_id")[:1]))
    late = _overdue_q(today)
    aggregates = {}
    for i, q in enumerate(groups.values()):
        aggregates[f"p{i}"] = Count("pk", filter=q)
        aggregates[f"o{i}"] = Count("pk", filter=q & late)
    # The slice is a fence: PostgreSQL does not flatten a subquery with a LIMIT into the outer
    # query, so each household's due fields are computed once, not once per filter that uses
    # them (ten villages' filters made the roll-up 5× slower at county scale).
    row = households[:UNBOUNDED].aggregate(**aggregates)
    return {name: (row[f"p{i}"], row[f"o{i}"]) for i, name in enumerate(groups)}


def due_counts(
    prefixes: list[str], today: datetime.date, soon_days: int, *, where: Q | None = None
) -> tuple[int, int, int]:
    """(paired, overdue, falling due within ``soon_days``) for the paired households under the
    prefixes (and ``where``), in one query: the figures of a dashboard.

    The same counts as ``rollup_counts`` with an "all" and a "due before ``today`` +
    ``soon_days``" group. The inner query (each household's due fields, behind the same LIMIT
    fence) is the ORM's; the outer count is written out as plain SQL because Django's
    ``aggregate()`` with filters on subquery annotations took longer to build than the database
    took to run it (see "Dashboards per level" in docs/benchmarks.md). Dates are parameters;
    only the next visit's date (last visit + interval) is spelt per database, so the policies'
    intervals need not be read first (one statement, not two).
    """
    if prefixes == []:
        return (0, 0, 0)
    households = _paired_households_in(prefixes)
    if where is not None:
        households = households.filter(where)
    inner = (
        _with_due_fields(households)
        .order_by()
        .values_list("last_visited_on", "paired_since", "interval_days")[:UNBOUNDED]
    )
    connection = connections[inner.db]
    quote, as_date = connection.ops.quote_name, connection.ops.adapt_datefield_value
    last, since, interval = (quote(n) for n in ("last_visited_on", "paired_since", "interval_days"))
    # The next visit's date: the last one plus the household's interval (SQLite keeps dates as
    # ISO text, which compares as dates do).
    if connection.vendor == "sqlite":
        next_due = f"date({last}, '+' || {interval} || ' days')"
    else:
        next_due = f"({last} + {interval})"

    def due_before(day: datetime.date) -> tuple[str, list]:
        # The SQL of _overdue_q(day), without first reading the distinct intervals.
        return (
            f"({last} IS NULL AND {since} < %s) OR ({last} IS NOT NULL AND {next_due} < %s)",
            [as_date(day), as_date(day)],
        )

    sql, params = inner.query.sql_with_params()
    late, late_args = due_before(today)
    soon, soon_args = due_before(today + datetime.timedelta(days=soon_days))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN {late} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {soon} THEN 1 ELSE 0 END) FROM ({sql}) due",
            [*late_args, *soon_args, *params],
        )
        paired, overdue, before_soon = cursor.fetchone()
    return paired, overdue or 0, (before_soon or 0) - (overdue or 0)


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
        _with_due_fields(_paired_households_in(prefixes))
        .order_by()
        .values(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .annotate(paired=Count("pk"), overdue=Count("pk", filter=_overdue_q(today)))
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
