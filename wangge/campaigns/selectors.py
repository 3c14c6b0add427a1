"""Reads of campaigns and their opinions, always given the user and scoped."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from wangge.accounts.scope import (
    area_prefixes,
    own_households,
    own_member,
    personal,
    personal_or_404,
    prefix_q,
    visible,
)
from wangge.campaigns.models import Campaign, CampaignKind, Opinion, OpinionCategory
from wangge.regions.codes import VILLAGE_LENGTH, ancestor_of, township_of
from wangge.regions.models import Level, Region
from wangge.visits.selectors import visits_of_campaign


def _campaign_running_for(area_code: str, day: datetime.date) -> Campaign | None:
    """The visit campaign collecting opinions in this area on this day, if any (the visit log
    asks it through ``visit_hooks``; the household there is already the user's)."""
    candidates = Campaign.objects.filter(
        kind=CampaignKind.VISIT,
        collects_opinions=True,
        township_code=township_of(area_code),
        starts_on__lte=day,
        ends_on__gte=day,
    ).order_by("-starts_on", "-id")
    return next((c for c in candidates if area_code.startswith(c.area_code)), None)


def campaign_list(user) -> QuerySet:
    """Campaigns whose area overlaps the user's scope: a village user sees the township's."""
    prefixes = area_prefixes(user)
    if not prefixes:
        return Campaign.objects.none()
    q = Q()
    for prefix in prefixes:
        # The campaign's area contains the user's area, or lies inside it.
        q |= prefix_q("area_code", prefix) | Q(area_code__in=_ancestors(prefix))
    return Campaign.objects.filter(q).select_related("area").order_by("-starts_on", "-id")


def _ancestors(code: str) -> list[str]:
    levels = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.HAMLET, Level.GROUP)
    return [a for level in levels if (a := ancestor_of(code, level))]


def campaign_for_user(user, pk: int) -> Campaign:
    try:
        return campaign_list(user).get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


def opinion_list(user, campaign: Campaign, *, category: str = "") -> QuerySet:
    """The campaign's opinions from households in the user's scope."""
    # An ordinary member reads the opinions of their own households only (accounts.scope).
    qs = personal(Opinion.objects.filter(campaign=campaign), user, own=_own_opinions)
    qs = qs.select_related("category", "area", "household")
    qs = qs.defer("household__head_id_number", "household__phone")
    if category == "none":
        qs = qs.filter(category__isnull=True)
    elif category.isdigit():
        qs = qs.filter(category_id=int(category))
    return qs.order_by("-created_at", "-id")


def opinion_for_user(user, pk: int) -> Opinion:
    return personal_or_404(
        Opinion.objects.select_related("campaign", "category"), user, own=_own_opinions, pk=pk
    )


def _own_opinions(user) -> Q:
    """Opinions of the member's own households, and those they heard on their own visits."""
    return (
        own_households(user, "household_id")
        | own_member(user, "visit__member_id")
        | Q(visit__created_by_id=user.pk)
    )


def _categories_for(township_code: str) -> QuerySet:
    return OpinionCategory.objects.filter(township_code=township_code).order_by("sort", "name")


def opinion_counts(user, campaign: Campaign) -> dict:
    """Opinions per category and per village, and how many members visited, in the user's scope."""
    opinions = visible(Opinion.objects.filter(campaign=campaign), user)
    by_category = {
        row["category_id"]: row["n"]
        for row in opinions.values("category_id").annotate(n=Count("id")).order_by()
    }
    categories = [(c, by_category.get(c.pk, 0)) for c in _categories_for(campaign.township_code)]
    by_village = {
        row["village"]: row["n"]
        for row in opinions.annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values("village")
        .annotate(n=Count("id"))
        .order_by()
    }
    names = dict(Region.objects.filter(code__in=by_village).values_list("code", "name"))
    visits = visits_of_campaign(user, campaign)
    return {
        "opinions": sum(by_category.values()),
        "uncategorised": by_category.get(None, 0),
        "by_category": categories,
        "by_village": sorted(
            ((code, names.get(code, code), n) for code, n in by_village.items()),
            key=lambda r: r[0],
        ),
        "members_visited": visits.exclude(member__isnull=True)
        .values("member_id")
        .distinct()
        .count(),
        "households_visited": visits.values("household_id").distinct().count(),
    }
