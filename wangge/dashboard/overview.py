"""Figures for the township overview page: aggregate queries only, scoped by the user's areas."""

import datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wangge.accounts.scope import area_prefixes, in_areas
from wangge.core.text import natural_key
from wangge.dashboard.counts import AreaCounts, area_counts
from wangge.households.models import Household, Tag
from wangge.party.models import Organisation, OrgKind
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Region
from wangge.visits.models import HouseholdSummary

# The bands the chart shows, in order; "60plus" overlaps them and is shown as a share instead.
CHART_AGE_BANDS = ["lt40", "40-59", "60-69", "70-79", "80plus"]


def age_band_labels() -> dict[str, str]:
    return {
        "lt40": _("Under 40"),
        "40-59": _("40–59"),
        "60-69": _("60–69"),
        "70-79": _("70–79"),
        "80plus": _("80 and over"),
        "60plus": _("60 and over"),
    }


def _scoped(qs: QuerySet, prefixes: list[str], field: str = "area_code") -> QuerySet:
    return in_areas(qs, prefixes, field=field)


def member_figures(counts: dict) -> dict:
    """The overview's member figures from ``AreaCounts.members``."""
    bands = counts["age_bands"]
    total = counts["total"]
    return {
        "members": total,
        "members_mobile": counts["mobile"],
        "members_over_60": bands["60plus"],
        "share_over_60": (bands["60plus"] / total) if total else 0.0,
        "share_over_60_percent": round(100 * bands["60plus"] / total, 1) if total else 0.0,
        "age_bands": bands,
    }


def _branches(prefixes: list[str]) -> tuple[int, list[tuple[str, int]]]:
    """The primary Party organisations in scope, counted as the report counts them (a general
    branch (党总支) with the branches under it is one), and the members per branch, every
    branch in scope (none left out for having no members), in the order people count them
    (第一, 第二, 第三); a general branch only for the members it holds itself. One query."""
    rows = (
        _scoped(
            Organisation.objects.filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]),
            prefixes,
        )
        .annotate(n=Count("members"))
        .values_list("area_code", "name", "kind", "n", "parent__kind")
        .order_by()
    )
    primary = sum(
        1
        for _code, _name, kind, _n, parent in rows
        if not (kind == OrgKind.BRANCH and parent == OrgKind.GENERAL_BRANCH)
    )
    kept = [row for row in rows if row[2] == OrgKind.BRANCH or row[3]]
    kept.sort(key=lambda row: (row[0], natural_key(row[1])))
    return primary, [(name, n) for _code, name, _kind, n, _parent in kept]


def households_by_village(prefixes: list[str], villages: list[Region]) -> list[tuple[str, int]]:
    """Households per village that has any, named (``villages``: those in scope; a village
    above a hamlet's scope is looked up). Counted from the households' summaries (one row
    each), whose index holds the area codes."""
    rows = (
        _scoped(HouseholdSummary.objects.all(), prefixes)
        .annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values_list("village")
        .annotate(n=Count("*"))
        .order_by("village")
    )
    counts = dict(rows)
    names = {v.code: v.name for v in villages}
    missing = [code for code in counts if code not in names]
    if missing:
        names.update(Region.objects.filter(code__in=missing).values_list("code", "name"))
    return [(names.get(code, code), n) for code, n in counts.items()]


def households_by_tag(prefixes: list[str]) -> list[tuple[str, int]]:
    # The households by their summaries' index (area codes), not by reading each household.
    households = _scoped(HouseholdSummary.objects.all(), prefixes).values("pk")
    rows = (
        Household.tags.through.objects.filter(household_id__in=households)
        .values("tag_id")
        .annotate(n=Count("household_id"))
        .order_by()
    )
    counts = {row["tag_id"]: row["n"] for row in rows}
    language = get_language() or ""
    return [
        (tag.label(language), counts.get(tag.pk, 0)) for tag in Tag.objects.order_by("sort", "slug")
    ]


def overview_figures(
    user,
    *,
    today: datetime.date | None = None,
    prefixes: list[str] | None = None,
    counts: AreaCounts | None = None,
) -> dict:
    """Everything the overview page shows for ``user``'s areas (or ``prefixes`` among them);
    ``counts`` (``area_counts`` of the same prefixes) when the page has them already."""
    today = today or timezone.localdate()
    prefixes = area_prefixes(user) if prefixes is None else prefixes
    counts = counts or area_counts(user, prefixes, today)
    branches, by_branch = _branches(prefixes)
    figures = member_figures(counts.members)
    labels = age_band_labels()
    figures.update(
        villages=len(counts.villages),
        branches=branches,
        # The bars of the branch chart: one primary organisation may hold several branches.
        branch_units=len(by_branch),
        households=counts.households["total"],
        charts={
            "members_by_branch": _chart(_("Members by branch"), by_branch),
            "members_by_age": {
                **_chart(
                    _("Members by age"),
                    [(labels[band], figures["age_bands"][band]) for band in CHART_AGE_BANDS],
                ),
                # The bands from 60-69 on are drawn in a second colour: the "over 60" share.
                "highlight_from": CHART_AGE_BANDS.index("60-69"),
            },
            "households_by_village": _chart(
                _("Households by village"),
                households_by_village(prefixes, counts.villages),
            ),
            "households_by_tag": _chart(_("Households by tag"), households_by_tag(prefixes)),
        },
    )
    return figures


def _chart(title: str, pairs: list[tuple[str, int]]) -> dict:
    return {"title": title, "labels": [p[0] for p in pairs], "values": [p[1] for p in pairs]}
