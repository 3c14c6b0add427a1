"""Figures for the township overview page: aggregate queries only, scoped by the user's areas."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wangge.accounts.scope import area_prefixes, in_areas
from wangge.core.text import natural_key
from wangge.households.models import Household, Tag
from wangge.party.models import Member, Organisation, OrgKind
from wangge.party.selectors import AGE_BANDS, birth_range
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region

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


def _age_filter(band: str, today: datetime.date) -> Q:
    earliest, latest = birth_range(*AGE_BANDS[band], today)
    return Q(birth_date__range=(earliest, latest))


def member_figures(prefixes: list[str], today: datetime.date) -> dict:
    """Members in scope: total, mobile and per age band, in one query."""
    counts = {
        f"band_{band.replace('-', '_')}": Count("id", filter=_age_filter(band, today))
        for band in AGE_BANDS
    }
    row = _scoped(Member.objects.all(), prefixes).aggregate(
        total=Count("id"), mobile=Count("id", filter=Q(is_mobile=True)), **counts
    )
    bands = {band: row[f"band_{band.replace('-', '_')}"] for band in AGE_BANDS}
    total = row["total"]
    return {
        "members": total,
        "members_mobile": row["mobile"],
        "members_over_60": bands["60plus"],
        "share_over_60": (bands["60plus"] / total) if total else 0.0,
        "share_over_60_percent": round(100 * bands["60plus"] / total, 1) if total else 0.0,
        "age_bands": bands,
    }


def members_by_branch(prefixes: list[str]) -> list[tuple[str, int]]:
    """Members per branch, every branch in scope (none left out for having no members), in
    the order people count them (第一, 第二, 第三); a general branch only for the members it
    holds itself."""
    rows = (
        _scoped(
            Organisation.objects.filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]),
            prefixes,
        )
        .annotate(n=Count("members"))
        .values_list("area_code", "name", "kind", "n")
        .order_by()
    )
    kept = [row for row in rows if row[2] == OrgKind.BRANCH or row[3]]
    kept.sort(key=lambda row: (row[0], natural_key(row[1])))
    return [(name, n) for _code, name, _kind, n in kept]


def households_by_village(prefixes: list[str]) -> list[tuple[str, int]]:
    rows = (
        _scoped(Household.objects.all(), prefixes)
        .annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values("village")
        .annotate(n=Count("id"))
        .order_by("village")
    )
    counts = {row["village"]: row["n"] for row in rows}
    # A subquery, not a list of codes: the query stays one size however many villages there are.
    names = dict(Region.objects.filter(code__in=rows.values("village")).values_list("code", "name"))
    return [(names.get(code, code), n) for code, n in counts.items()]


def households_by_tag(prefixes: list[str]) -> list[tuple[str, int]]:
    links = Household.tags.through.objects.all()
    rows = (
        _scoped(links, prefixes, "household__area_code")
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
    user, *, today: datetime.date | None = None, prefixes: list[str] | None = None
) -> dict:
    """Everything the overview page shows for ``user``'s areas (or ``prefixes`` among them)."""
    today = today or timezone.localdate()
    prefixes = area_prefixes(user) if prefixes is None else prefixes
    villages = _scoped(Region.objects.filter(level=Level.VILLAGE), prefixes, "code").count()
    # Counted as the report counts them: a general branch (党总支) with the branches under it
    # is one primary organisation.
    branches = (
        _scoped(
            Organisation.objects.filter(kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]),
            prefixes,
        )
        .exclude(kind=OrgKind.BRANCH, parent__kind=OrgKind.GENERAL_BRANCH)
        .count()
    )
    households = _scoped(Household.objects.all(), prefixes).count()
    by_branch = members_by_branch(prefixes)
    figures = member_figures(prefixes, today)
    labels = age_band_labels()
    figures.update(
        villages=villages,
        branches=branches,
        # The bars of the branch chart: one primary organisation may hold several branches.
        branch_units=len(by_branch),
        households=households,
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
                _("Households by village"), households_by_village(prefixes)
            ),
            "households_by_tag": _chart(_("Households by tag"), households_by_tag(prefixes)),
        },
    )
    return figures


def _chart(title: str, pairs: list[tuple[str, int]]) -> dict:
    return {"title": title, "labels": [p[0] for p in pairs], "values": [p[1] for p in pairs]}
