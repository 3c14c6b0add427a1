"""Reads of agency data, rules and flags (always scoped), and the township's figures."""

import datetime
import itertools
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone

from wangge.accounts.scope import area_prefixes, get_visible_or_404, in_areas, prefix_q, visible
from wangge.assistance.models import Plan
from wangge.flags.formats import CATEGORY_RANK
from wangge.flags.models import (
    OPEN_FLAG_STATUSES,
    AgencyBatch,
    AgencyRecord,
    AgencySource,
    Flag,
    MatchStatus,
    Rule,
    SourceKind,
)
from wangge.regions.codes import township_of


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
