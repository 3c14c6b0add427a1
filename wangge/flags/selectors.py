"""Reads of agency data, rules and flags (always scoped), and the township's figures."""

import datetime
import itertools
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wangge.accounts.scope import area_prefixes, get_visible_or_404, in_areas, prefix_q, visible
from wangge.assistance.models import Plan
from wangge.assistance.selectors import plans_by_outcome
from wangge.flags.formats import CATEGORY_RANK
from wangge.flags.models import (
    OPEN_FLAG_STATUSES,
    AgencyBatch,
    AgencyRecord,
    AgencySource,
    Flag,
    FlagStatus,
    MatchStatus,
    Rule,
    SourceKind,
)
from wangge.grids.models import Grid, GridHousehold
from wangge.households.models import Household, Tag, TagKind
from wangge.pairing.selectors import pairings_of_households
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Level, Region
from wangge.visits.models import Visit


def _sources_all() -> QuerySet:
    return AgencySource.objects.order_by("kind")


def batch_list(user) -> QuerySet:
    return visible(AgencyBatch.objects.select_related("source", "uploaded_by"), user)


def batch_for_user(user, pk: int) -> AgencyBatch:
    return get_visible_or_404(
        AgencyBatch.objects.select_related("source", "uploaded_by"), user, pk=pk
    )


def _batch_problem_rows(batch: AgencyBatch) -> QuerySet:
    """Rows that matched no household, or more than one: listed for the officer to resolve."""
    return batch.records.exclude(match_status=MatchStatus.MATCHED).order_by("row_number")


@dataclass(frozen=True)
class FlagFilters:
    status: str = ""
    rule: str = ""
    area_code: str = ""

    @classmethod
    def from_params(cls, params) -> "FlagFilters":
        return cls(
            status=(params.get("status") or "").strip()[:10],
            rule=(params.get("rule") or "").strip()[:40],
            area_code=(params.get("area_code") or "").strip()[:18],
        )


def flag_list(user, filters: FlagFilters | None = None) -> QuerySet:
    filters = filters or FlagFilters()
    qs = visible(Flag.objects.all(), user).select_related("household", "rule", "rule_version")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.rule:
        qs = qs.filter(rule__slug=filters.rule)
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    return qs.order_by("-raised_at", "-id")


def flag_for_user(user, pk: int) -> Flag:
    return get_visible_or_404(
        Flag.objects.select_related("household", "rule", "rule_version", "decided_by"),
        user,
        pk=pk,
    )


def _flag_evidence(flag: Flag) -> QuerySet:
    """The exact agency rows that raised the flag (kept even after a batch is rolled back)."""
    return (
        AgencyRecord.objects.filter(pk__in=flag.evidence)
        .select_related("batch__source")
        .order_by("kind", "record_date", "id")
    )


def rule_list(user) -> QuerySet:
    """Rules of the townships the user works in (a village user sees its township's rules)."""
    townships = sorted({township_of(p) or p for p in area_prefixes(user)})
    return (
        in_areas(Rule.objects.all(), townships, field="township_code")
        .select_related("current")
        .order_by("township_code", "slug")
    )


def rule_for_user(user, pk: int) -> Rule:
    try:
        return rule_list(user).get(pk=pk)
    except Rule.DoesNotExist as exc:
        raise Http404 from exc


# ---- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    hardship_families: int
    newly_low_income: int
    low_income_raised: int
    period_start: datetime.date
    period_end: datetime.date


def _scoped(qs: QuerySet, area_code: str | None) -> QuerySet:
    return qs.filter(prefix_q("area_code", area_code)) if area_code else qs


def _dibao_history(area_code: str | None) -> dict[int, list[tuple]]:
    rows = _scoped(
        AgencyRecord.objects.filter(
            kind=SourceKind.CIVIL_AFFAIRS_DIBAO,
            active=True,
            match_status=MatchStatus.MATCHED,
            record_date__isnull=False,
        ),
        area_code,
    ).values_list("household_id", "record_date", "category", "amount", "batch__uploaded_at", "id")
    history: dict[int, list[tuple]] = {}
    for household_id, day, category, amount, uploaded, pk in rows.iterator(chunk_size=5000):
        history.setdefault(household_id, []).append((day, uploaded, pk, category, amount))
    for entries in history.values():
        entries.sort()
    return history


def township_figures(area_code: str | None, *, start: datetime.date, end: datetime.date) -> Figures:
    """The township's reported figures, from the data:

    - hardship families identified: households with a raised or accepted flag;
    - newly low-income: households whose first month of 低保 coverage lies in [start, end];
    - raised: households whose 低保 moved to a higher category (C→B, B→A) or a higher monthly
      amount, by a record whose month lies in [start, end].
    """
    hardship = (
        _scoped(Flag.objects.filter(status__in=OPEN_FLAG_STATUSES), area_code)
        .values("household_id")
        .distinct()
        .count()
    )
    newly = raised = 0
    for entries in _dibao_history(area_code).values():
        if start <= entries[0][0] <= end:
            newly += 1
        for before, after in itertools.pairwise(entries):
            if not start <= after[0] <= end:
                continue
            up_rank = CATEGORY_RANK.get(after[3], 0) > CATEGORY_RANK.get(before[3], 0)
            up_amount = (after[4] or 0) > (before[4] or 0)
            if up_rank or up_amount:
                raised += 1
                break
    return Figures(hardship, newly, raised, start, end)


def data_years(user, today: datetime.date | None = None) -> list[int]:
    """Years the user's agency data covers (newest first, never after today); the year pages
    open on the first of them rather than on a current year that has no data yet."""
    today = today or timezone.localdate()
    dates = visible(AgencyRecord.objects.filter(active=True, record_date__isnull=False), user)
    bounds = dates.filter(record_date__lte=today).aggregate(
        first=Min("record_date"), last=Max("record_date")
    )
    if not bounds["last"]:
        return []
    return list(range(bounds["last"].year, bounds["first"].year - 1, -1))


def flags_stats(area_code: str | None, today: datetime.date | None = None) -> dict:
    """Keys for ``wangge stats``: flags by rule and status, plans, and the low-income moves of
    the latest year the civil-affairs lists cover (``low_income_year``; townships report on
    the last full year of data, as the 2021 figures of the report do)."""
    flags = _scoped(Flag.objects.all(), area_code)
    by_rule = {
        row["rule__slug"]: row["n"]
        for row in flags.values("rule__slug").annotate(n=Count("id")).order_by("rule__slug")
    }
    by_status = {
        row["status"]: row["n"]
        for row in flags.values("status").annotate(n=Count("id")).order_by("status")
    }
    today = today or timezone.localdate()
    latest = (
        _scoped(AgencyRecord.objects.filter(kind=SourceKind.CIVIL_AFFAIRS_DIBAO), area_code)
        .filter(active=True, record_date__lte=today)
        .aggregate(latest=Max("record_date"))["latest"]
    )
    year = latest.year if latest else today.year
    figures = township_figures(
        area_code, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
    )
    return {
        "flags_by_rule": by_rule,
        "flags_by_status": by_status,
        "assistance_plans": _scoped(Plan.objects.all(), area_code).count(),
        "plans_by_outcome": plans_by_outcome(area_code),
        "attention_households": attention_count(area_code),
        "households_newly_low_income": figures.newly_low_income,
        "households_low_income_raised": figures.low_income_raised,
        "low_income_year": year,
    }


def figures_for_user(user, *, start: datetime.date, end: datetime.date) -> Figures:
    """The figures over every area the user holds (areas never overlap once reduced)."""
    parts = [township_figures(p, start=start, end=end) for p in area_prefixes(user)]
    return Figures(
        hardship_families=sum(f.hardship_families for f in parts),
        newly_low_income=sum(f.newly_low_income for f in parts),
        low_income_raised=sum(f.low_income_raised for f in parts),
        period_start=start,
        period_end=end,
    )


# ---- the attention list (重点关注) ------------------------------------------------------------

SERVICE_LAYER = "service"


@dataclass(frozen=True)
class AttentionFilters:
    area_code: str = ""
    grid: int | None = None
    tag: str = ""

    @classmethod
    def from_params(cls, params) -> "AttentionFilters":
        grid = (params.get("grid") or "").strip()
        return cls(
            area_code=(params.get("area_code") or "").strip()[:18],
            grid=int(grid) if grid.isdigit() and len(grid) < 10 else None,
            tag=(params.get("tag") or "").strip()[:40],
        )


@dataclass
class AttentionRow:
    household: Household
    village: str
    grid: str
    tags: list[str]
    flags: list[str]
    paired: list[str]
    last_visit: datetime.date | None


def _attention_q() -> Q:
    open_flags = Flag.objects.filter(household=OuterRef("pk"), status__in=OPEN_FLAG_STATUSES)
    return Q(tags__kind=TagKind.STATUS) | Q(Exists(open_flags))


def attention_households(user, filters: AttentionFilters | None = None) -> QuerySet:
    """Households to watch: any status tag (低保, 特困, 大病, 重残, 监测户, 留守老人/儿童: the
    三户一体 and 老弱病残孤 households) or an open flag, in the user's scope."""
    filters = filters or AttentionFilters()
    qs = visible(Household.objects.all(), user).filter(_attention_q())
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    if filters.grid:
        qs = qs.filter(
            grid_assignments__grid_id=filters.grid, grid_assignments__layer__slug=SERVICE_LAYER
        )
    if filters.tag:
        qs = qs.filter(tags__slug=filters.tag)
    ids = qs.values("pk")
    return Household.objects.filter(pk__in=ids).order_by("area_code", "head_name", "id")


def attention_count(area_code: str | None) -> int:
    """How many households the attention list holds in an area (``wangge stats``)."""
    qs = Household.objects.filter(_attention_q())
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    return qs.values("pk").distinct().count()


def attention_rows(households) -> list[AttentionRow]:
    """One row per household with its village, service grid, status tags, open flags, paired
    members and last visit, read in a fixed number of queries for the whole page."""
    households = list(households)
    ids = [h.pk for h in households]
    tags: dict[int, list[str]] = {}
    for hid, name in (
        Household.tags.through.objects.filter(household_id__in=ids, tag__kind=TagKind.STATUS)
        .order_by("tag__sort")
        .values_list("household_id", "tag__name")
    ):
        tags.setdefault(hid, []).append(name)
    flags: dict[int, list[str]] = {}
    for hid, name, status in Flag.objects.filter(
        household_id__in=ids, status__in=OPEN_FLAG_STATUSES
    ).values_list("household_id", "rule__name", "status"):
        flags.setdefault(hid, []).append(f"{name}（{FlagStatus(status).label}）")
    grids = dict(
        GridHousehold.objects.filter(household_id__in=ids, layer__slug=SERVICE_LAYER).values_list(
            "household_id", "grid__name"
        )
    )
    paired: dict[int, list[str]] = {}
    for pairing in pairings_of_households(ids):
        paired.setdefault(pairing.household_id, []).append(pairing.member.name)
    visits = dict(
        Visit.objects.filter(household_id__in=ids)
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .values_list("household_id", "last")
    )
    villages = dict(
        Region.objects.filter(
            code__in={village_of(h.area_code) or h.area_code for h in households}
        ).values_list("code", "name")
    )
    return [
        AttentionRow(
            household=h,
            village=villages.get(village_of(h.area_code) or "", ""),
            grid=grids.get(h.pk, ""),
            tags=tags.get(h.pk, []),
            flags=flags.get(h.pk, []),
            paired=paired.get(h.pk, []),
            last_visit=visits.get(h.pk),
        )
        for h in households
    ]


def attention_choices(user, area_code: str = "") -> dict:
    """The villages, service grids (of the chosen village) and status tags to filter by."""
    villages = visible(Region.objects.filter(level=Level.VILLAGE), user, field="code").order_by(
        "code"
    )
    return {
        "villages": list(villages.values_list("code", "name")),
        "tags": list(Tag.objects.filter(kind=TagKind.STATUS).values_list("slug", "name")),
        "grids": list(
            visible(Grid.objects.filter(layer__slug=SERVICE_LAYER), user)
            .filter(prefix_q("area_code", area_code))
            .order_by("level", "name", "id")
            .values_list("pk", "name")
        )
        if area_code
        else [],
    }


def flags_in_period(area_code: str, start_at: datetime.datetime, end_at: datetime.datetime):
    """Flags raised in [start_at, end_at) in the area, per status they stand in now."""
    flags = Flag.objects.filter(
        prefix_q("area_code", area_code), raised_at__gte=start_at, raised_at__lt=end_at
    )
    counts = dict(flags.order_by().values_list("status").annotate(n=Count("id")))
    return {"raised": sum(counts.values()), "by_status": counts}
