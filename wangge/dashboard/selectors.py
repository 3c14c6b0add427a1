"""Counts for the overview page and ``wangge stats``: aggregate queries only, never row loops.

Every function takes an optional area code and counts only that subtree (a code prefix). Callers
that serve a user pass an area the user may see (``accounts.scope.can_see_area``).
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from wangge.accounts.scope import prefix_q
from wangge.core.stats import collect_stats, stat_provider
from wangge.households.models import Household, Tag
from wangge.party.models import Member, Organisation, OrgKind
from wangge.party.selectors import AGE_BANDS, birth_range
from wangge.regions.codes import VILLAGE_LENGTH, village_of
from wangge.regions.models import Level, Region

# The bands of the overview's age chart, in order (keys of party.selectors.AGE_BANDS).
AGE_CHART_BANDS = ["lt40", "40-59", "60-69", "70-79", "80plus"]


def _in_area(area_code: str | None, field: str = "area_code") -> Q:
    return prefix_q(field, area_code) if area_code else Q()


def township_stats(area_code: str | None = None, *, today: datetime.date | None = None) -> dict:
    """All registered counts as one JSON-ready dict (the shape of ``wangge stats --json``)."""
    return collect_stats(area_code, today or timezone.localdate())


@stat_provider
def region_stats(area_code: str | None, today: datetime.date) -> dict:
    rows = (
        Region.objects.filter(_in_area(area_code, "code"))
        .values_list("level")
        .annotate(n=Count("code"))
        .order_by()
    )
    counts = dict(rows)
    return {"regions_by_level": {level: counts.get(level, 0) for level in Level.values}}


@stat_provider
def organisation_stats(area_code: str | None, today: datetime.date) -> dict:
    rows = (
        Organisation.objects.filter(_in_area(area_code))
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict(rows)
    return {"organisations_by_kind": {kind: counts.get(kind, 0) for kind in OrgKind.values}}


@stat_provider
def member_stats(area_code: str | None, today: datetime.date) -> dict:
    _earliest, born_by = birth_range(*AGE_BANDS["60plus"], today)
    counts = Member.objects.filter(_in_area(area_code)).aggregate(
        total=Count("id"),
        over_60=Count("id", filter=Q(birth_date__lte=born_by)),
        mobile=Count("id", filter=Q(is_mobile=True)),
    )
    return {
        "members": counts["total"],
        "members_over_60": counts["over_60"],
        "members_mobile": counts["mobile"],
    }


@stat_provider
def household_stats(area_code: str | None, today: datetime.date) -> dict:
    households = Household.objects.filter(_in_area(area_code)).count()
    links = Household.tags.through.objects.all()
    if area_code:
        links = links.filter(prefix_q("household__area_code", area_code))
    counts = dict(links.values_list("tag__slug").annotate(n=Count("id")).order_by())
    slugs = Tag.objects.order_by("kind", "sort", "slug").values_list("slug", flat=True)
    return {
        "households": households,
        "households_by_tag": {slug: counts.get(slug, 0) for slug in slugs},
    }


def members_by_branch(area_code: str | None = None, *, today: datetime.date | None = None):
    """Per branch: members, those over 60 and mobile ones; branches without members included."""
    _earliest, born_by = birth_range(*AGE_BANDS["60plus"], today or timezone.localdate())
    rows = (
        Organisation.objects.filter(_in_area(area_code))
        .annotate(
            n_members=Count("members"),
            n_over_60=Count("members", filter=Q(members__birth_date__lte=born_by)),
            n_mobile=Count("members", filter=Q(members__is_mobile=True)),
        )
        .order_by("area_code", "name")
        .values_list(
            "id", "name", "kind", "category", "area_code", "n_members", "n_over_60", "n_mobile"
        )
    )
    keys = ("id", "name", "kind", "category", "area_code", "members", "over_60", "mobile")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def members_by_age_band(area_code: str | None = None, *, today: datetime.date | None = None):
    """Members per age band (under 40, 40-59, 60-69, 70-79, 80 and over), in that order."""
    today = today or timezone.localdate()
    filters = {}
    for band in AGE_CHART_BANDS:
        earliest, latest = birth_range(*AGE_BANDS[band], today)
        filters[band] = Count("id", filter=Q(birth_date__range=(earliest, latest)))
    counts = Member.objects.filter(_in_area(area_code)).aggregate(**filters)
    return [{"band": band, "members": counts[band]} for band in AGE_CHART_BANDS]


def households_by_village(area_code: str | None = None):
    """Households per village-level unit, villages without households included."""
    counts = dict(
        Household.objects.filter(_in_area(area_code))
        .annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values_list("village")
        .annotate(n=Count("id"))
        .order_by()
    )
    in_area = _in_area(area_code, "code")
    if area_code and len(area_code) > VILLAGE_LENGTH:  # a hamlet or group: its own village
        in_area = Q(code=village_of(area_code))
    villages = Region.objects.filter(in_area, level=Level.VILLAGE)
    return [
        {"code": code, "name": name, "households": counts.get(code, 0)}
        for code, name in villages.order_by("code").values_list("code", "name")
    ]
