"""The three rates of residents' requests (S7), computed from the timeline (``AppealEvent``).

Every figure is a count of timeline rows, so that each number drills down to exactly the rows
(and the requests) behind it: ``figure_rows`` returns the rows a figure counts and ``rates``
counts the same querysets with conditional aggregation in the database. The definitions are in
``docs/metrics.md``; in short, for a period [start, end) in local time:

* routed: ``created`` rows in the period (one per request);
* responded: routed requests whose ``accepted`` row is no later than the ``created`` row's
  deadline (the accept-by limit set at intake);
* escalated: routed requests with at least one ``escalated`` row (at any time);
* ratings: ``rated`` rows in the period; ratings_solved: those satisfied or basically satisfied;
* rated: ``rated`` rows in the period that are the request's last rating (the rating that
  stands); rated_solved: those satisfied or basically satisfied;
* resolved: ``resolved`` rows in the period with no later ``resolved`` or ``reopened`` row for
  the request; time to resolve is wall-clock time from its ``created`` row.

Figures are attributed to the area of the request and to the grid and member it was first
routed to (the ``created`` row), not to whoever held it after an escalation.

The per-row tests of responded, escalated and rated are not computed here: the database keeps
them on the rows they test (``accepted_in_time`` and ``escalated`` on ``created`` rows,
``standing`` on ``rated`` rows; ``appeals/summary.py``), in the statement that writes the
timeline, so the counts read a column instead of probing each request's other rows.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas
from wangge.appeals.models import AppealEvent, EventKind, Rating
from wangge.core.counting import Tally
from wangge.core.periods import (  # noqa: F401 (re-exported for the metrics pages and API)
    Period,
    PeriodError,
    month_period,
    parse_period,
    quarter_period,
    recent_periods,
    year_period,
)
from wangge.regions.codes import TOWNSHIP_LENGTH, VILLAGE_LENGTH
from wangge.regions.models import LEVEL_CODE_LENGTH, Level

SOLVED = (Rating.SATISFIED, Rating.BASICALLY)
# Who sees the per-member figures of an area (besides each member, who sees their own).
MEMBER_FIGURE_VIEWERS = {
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_LEADER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
}

# Figure name → (base set, extra filter on its annotations).
FIGURES = {
    "routed": ("routed", None),
    "responded": ("routed", Q(accepted_in_time=True)),
    "escalated": ("routed", Q(escalated=True)),
    "ratings": ("ratings", None),
    "ratings_solved": ("ratings", Q(rating__in=SOLVED)),
    "rated": ("ratings", Q(standing=True)),
    "rated_solved": ("ratings", Q(standing=True, rating__in=SOLVED)),
    "resolved": ("resolved", None),
}
GROUPINGS = ("child", "grid", "member")
NONE = "none"  # a group key for "no grid" / "no member" in links
# A LIMIT larger than any table: an optimisation fence (see ``rates_by``).
UNBOUNDED = 2**62


# ---------------------------------------------------------------- the timeline row sets


def _created_of(field_name: str) -> Subquery:
    return Subquery(
        AppealEvent.objects.filter(appeal=OuterRef("appeal"), kind=EventKind.CREATED)
        .order_by("at", "id")
        .values(field_name)[:1]
    )


def _in_period(kind: str, period: Period, prefixes: list[str]) -> QuerySet:
    qs = AppealEvent.objects.filter(kind=kind, at__gte=period.start_at, at__lt=period.end_at)
    return in_areas(qs, prefixes)


def _later(kinds: tuple[str, ...]) -> Exists:
    """Another row of one of ``kinds`` for the same request after this one."""
    return Exists(
        AppealEvent.objects.filter(appeal=OuterRef("appeal"), kind__in=kinds).filter(
            Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
        )
    )


def routed_rows(period: Period, prefixes: list[str]) -> QuerySet:
    return _in_period(EventKind.CREATED, period, prefixes).annotate(
        origin_grid=F("grid_id"),
        origin_member=F("assignee_member_id"),
    )


def rating_rows(period: Period, prefixes: list[str]) -> QuerySet:
    return _in_period(EventKind.RATED, period, prefixes).annotate(
        origin_grid=_created_of("grid_id"),
        origin_member=_created_of("assignee_member_id"),
    )


def resolved_rows(period: Period, prefixes: list[str]) -> QuerySet:
    return (
        _in_period(EventKind.RESOLVED, period, prefixes)
        .annotate(
            origin_grid=_created_of("grid_id"),
            origin_member=_created_of("assignee_member_id"),
            created_at=_created_of("at"),
        )
        .filter(~_later((EventKind.RESOLVED, EventKind.REOPENED)))
    )


_BASES = {"routed": routed_rows, "ratings": rating_rows, "resolved": resolved_rows}


@dataclass(frozen=True)
class Slice:
    """Which rows: the area prefixes (already scoped), and optionally a grid or member."""

    prefixes: list[str]
    grid: int | str | None = None  # a grid id, NONE for "no grid", None for any
    member: int | str | None = None


def _narrow(qs: QuerySet, where: Slice) -> QuerySet:
    if where.grid == NONE:
        qs = qs.filter(origin_grid__isnull=True)
    elif where.grid is not None:
        qs = qs.filter(origin_grid=where.grid)
    if where.member == NONE:
        qs = qs.filter(origin_member__isnull=True)
    elif where.member is not None:
        qs = qs.filter(origin_member=where.member)
    return qs


def figure_rows(figure: str, period: Period, where: Slice) -> QuerySet:
    """The timeline rows one figure counts (the drill-down), oldest first."""
    base, extra = FIGURES[figure]
    qs = _narrow(_BASES[base](period, where.prefixes), where)
    if extra is not None:
        qs = qs.filter(extra)
    return qs.order_by("at", "id")


# ---------------------------------------------------------------- aggregation


@dataclass
class Rates:
    routed: int = 0
    responded: int = 0
    escalated: int = 0
    ratings: int = 0
    ratings_solved: int = 0
    rated: int = 0
    rated_solved: int = 0
    resolved: int = 0
    hours: list[float] = field(default_factory=list, repr=False)

    def add(self, other: "Rates") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.hours.extend(other.hours)

    @staticmethod
    def _share(num: int, den: int) -> float | None:
        return num / den if den else None

    @property
    def response_rate(self) -> float | None:
        return self._share(self.responded, self.routed)

    @property
    def resolution_rate(self) -> float | None:
        return self._share(self.rated_solved, self.rated)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._share(self.ratings_solved, self.ratings)

    @property
    def escalation_share(self) -> float | None:
        return self._share(self.escalated, self.routed)

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    def as_dict(self) -> dict:
        out = {name: getattr(self, name) for name in FIGURES}
        out.update(
            response_rate=self.response_rate,
            resolution_rate=self.resolution_rate,
            satisfaction_rate=self.satisfaction_rate,
            escalation_share=self.escalation_share,
            median_hours_to_resolve=self.median_hours,
        )
        return out


def _group_expr(by: str | None, child_length: int | None):
    if by is None:
        return None
    if by == "child":
        return Substr("area_code", 1, child_length)
    return F(f"origin_{by}")


def rates_by(
    period: Period,
    where: Slice,
    *,
    by: str | None = None,
    child_length: int | None = None,
    resolved: bool = True,
) -> dict:
    """``{group key: Rates}`` (key None for the whole slice when ``by`` is None) in three
    queries: routed rows, rating rows and resolved rows, each counted in the database.

    ``resolved=False`` leaves out the resolved rows (``resolved`` stays 0, no median): the three
    rates need only the first two queries, which is all a dashboard shows."""
    group = _group_expr(by, child_length)
    out: dict = defaultdict(Rates)

    def counted(qs: QuerySet, **aggregates) -> list[tuple]:
        if group is None:
            # The slice is a fence: PostgreSQL does not flatten a subquery with a LIMIT, so
            # each row's subquery annotations are computed once, not once per count using them.
            return [(None, qs.order_by()[:UNBOUNDED].aggregate(**aggregates))]
        rows = qs.annotate(g=group).values("g").annotate(**aggregates).order_by()
        return [(row.pop("g"), row) for row in rows]

    routed = _narrow(routed_rows(period, where.prefixes), where)
    for key, row in counted(
        routed,
        n=Count("id"),
        responded=Count("id", filter=Q(accepted_in_time=True)),
        escalated_n=Count("id", filter=Q(escalated=True)),
    ):
        if row["n"]:
            rates = out[key]
            rates.routed, rates.responded = row["n"], row["responded"]
            rates.escalated = row["escalated_n"]

    ratings = _narrow(rating_rows(period, where.prefixes), where)
    for key, row in counted(
        ratings,
        n=Count("id"),
        solved=Count("id", filter=Q(rating__in=SOLVED)),
        standing_n=Count("id", filter=Q(standing=True)),
        standing_solved=Count("id", filter=Q(standing=True, rating__in=SOLVED)),
    ):
        if row["n"]:
            rates = out[key]
            rates.ratings, rates.ratings_solved = row["n"], row["solved"]
            rates.rated, rates.rated_solved = row["standing_n"], row["standing_solved"]

    if not resolved:
        return dict(out)
    resolved_qs = _narrow(resolved_rows(period, where.prefixes), where)
    if group is not None:
        resolved_qs = resolved_qs.annotate(g=group)
    fields = ("g", "at", "created_at") if group is not None else ("at", "created_at")
    for values in resolved_qs.values_list(*fields).order_by():
        key, at, created_at = values if group is not None else (None, *values)
        rates = out[key]
        rates.resolved += 1
        if created_at is not None:
            rates.hours.append((at - created_at).total_seconds() / 3600)
    return dict(out)


def rates_total(period: Period, where: Slice, *, resolved: bool = True) -> Rates:
    return rates_by(period, where, resolved=resolved).get(None, Rates())


def rate_tallies(period: Period, where: Slice) -> dict[str, Tally]:
    """The two row sets behind the three rates (``rates_total(..., resolved=False)``) as
    ``core.counting`` tallies, so that a dashboard counts them with its other figures in one
    statement; ``rates_from_tallies`` turns the counts into ``Rates``."""
    routed = _narrow(routed_rows(period, where.prefixes), where)
    ratings = _narrow(rating_rows(period, where.prefixes), where)
    return {
        "routed": Tally(
            routed,
            {"responded": Q(accepted_in_time=True), "escalated": Q(escalated=True)},
            fence=True,
        ),
        "ratings": Tally(
            ratings,
            {
                "solved": Q(rating__in=SOLVED),
                "standing": Q(standing=True),
                "standing_solved": Q(standing=True, rating__in=SOLVED),
            },
            fence=True,
        ),
    }


def rates_from_tallies(routed: dict, ratings: dict) -> Rates:
    """``Rates`` from the counts of ``rate_tallies`` (the same as ``rates_total`` without the
    resolved rows)."""
    rates = Rates()
    if routed["total"]:
        rates.routed, rates.responded = routed["total"], routed["responded"]
        rates.escalated = routed["escalated"]
    if ratings["total"]:
        rates.ratings, rates.ratings_solved = ratings["total"], ratings["solved"]
        rates.rated, rates.rated_solved = ratings["standing"], ratings["standing_solved"]
    return rates


def sum_rates(groups: dict) -> Rates:
    total = Rates()
    for rates in groups.values():
        total.add(rates)
    return total


# ---------------------------------------------------------------- who may see what


def child_length(area_code: str) -> int | None:
    """Code length of the units one level down (county → township → village), else None
    (below a village the page breaks down by grid and member instead)."""
    county = LEVEL_CODE_LENGTH[Level.COUNTY]
    return {county: TOWNSHIP_LENGTH, TOWNSHIP_LENGTH: VILLAGE_LENGTH}.get(len(area_code))


def can_see_member_figures(user, area_code: str, member_id) -> bool:
    """The member themselves, or a village/township leader over the area."""
    if member_id not in (None, NONE) and getattr(user, "member_id", None) == int(member_id):
        return True
    return any(area_code.startswith(p) for p in area_prefixes(user, MEMBER_FIGURE_VIEWERS))


def metrics_for_area(user, area_code: str, period: Period) -> dict:
    """The same figures the page, the API and the dashboard show, for one area in scope
    (the caller checks the scope): totals, and the breakdown one level down or, for a village,
    per grid and per member; per-grid and per-member figures only for village and township
    leaders (a member who is not a leader gets their own row only)."""
    where = Slice(prefixes=[area_code])
    length = child_length(area_code)
    leader = can_see_member_figures(user, area_code, None)
    out: dict = {"area": area_code, "period": period, "children": None, "grids": None}
    if length is not None:
        children = rates_by(period, where, by="child", child_length=length)
        out["children"] = children
        out["total"] = sum_rates(children)
    elif leader:
        # A grid has one first responsible person: per-grid figures are per-person figures,
        # shown to the same people as the per-member ones.
        grids = rates_by(period, where, by="grid")
        out["grids"] = grids
        out["total"] = sum_rates(grids)
    else:
        out["total"] = rates_total(period, where)
    out["members"] = None
    # Per-member figures on the village (or lower) page only; the township page compares
    # villages, not people.
    if length is None and leader:
        out["members"] = rates_by(period, where, by="member")
    elif getattr(user, "member_id", None):
        mine = rates_total(period, Slice(prefixes=[area_code], member=user.member_id))
        out["members"] = {user.member_id: mine}
    return out


def stats_rates(area_code: str | None, today: datetime.date) -> dict:
    """``{"requests_rates": {...}}`` for this month, in the shape of a ``wangge stats``
    provider (``wangge.dashboard.stats.stat_provider``); registered from the requests app's
    ``stats.py``, the module the stats command discovers."""
    period = month_period(today.year, today.month)
    rates = rates_total(period, Slice(prefixes=[area_code or ""]))
    return {"requests_rates": {"period": period.key, **rates.as_dict()}}
