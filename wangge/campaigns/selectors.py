"""Reads of campaigns and their opinions, always given the user and scoped."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from wangge.accounts.scope import get_visible_or_404, visible
from wangge.campaigns.models import Campaign, CampaignKind, Opinion, OpinionCategory


def campaign_running_for(area_code: str, day: datetime.date) -> Campaign | None:
    """The visit campaign collecting opinions in this area on this day, if any."""
    candidates = Campaign.objects.filter(
        kind=CampaignKind.VISIT,
        collects_opinions=True,
        township_code=area_code[:9],
        starts_on__lte=day,
        ends_on__gte=day,
    ).order_by("-starts_on", "-id")
    return next((c for c in candidates if area_code.startswith(c.area_code)), None)


def campaign_list(user) -> QuerySet:
    """Campaigns whose area overlaps the user's scope: a village user sees the township's."""
    from wangge.accounts.scope import area_prefixes

    prefixes = area_prefixes(user)
    if not prefixes:
        return Campaign.objects.none()
    q = Q()
    for prefix in prefixes:
        # The campaign's area contains the user's area, or lies inside it.
        q |= Q(area_code__startswith=prefix) | Q(area_code__in=_ancestors(prefix))
    return Campaign.objects.filter(q).select_related("area").order_by("-starts_on", "-id")


def _ancestors(code: str) -> list[str]:
    cuts = [6, 9, 12, 15, 18]
    return [code[:n] for n in cuts if n <= len(code)]


def campaign_for_user(user, pk: int) -> Campaign:
    try:
        return campaign_list(user).get(pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


def opinion_list(user, campaign: Campaign, *, category: str = "") -> QuerySet:
    """The campaign's opinions from households in the user's scope."""
    qs = visible(Opinion.objects.filter(campaign=campaign), user).select_related(
        "category", "area", "household"
    )
    qs = qs.defer("household__head_id_number", "household__phone")
    if category == "none":
        qs = qs.filter(category__isnull=True)
    elif category.isdigit():
        qs = qs.filter(category_id=int(category))
    return qs.order_by("-created_at", "-id")


def opinion_for_user(user, pk: int) -> Opinion:
    return get_visible_or_404(Opinion.objects.select_related("campaign", "category"), user, pk=pk)


def categories_for(township_code: str) -> QuerySet:
    return OpinionCategory.objects.filter(township_code=township_code).order_by("sort", "name")


def opinion_counts(user, campaign: Campaign) -> dict:
    """Opinions per category and per village, and how many members visited, in the user's scope."""
    from wangge.regions.models import Region
    from wangge.visits.models import Visit

    opinions = visible(Opinion.objects.filter(campaign=campaign), user)
    by_category = {
        row["category_id"]: row["n"]
        for row in opinions.values("category_id").annotate(n=Count("id")).order_by()
    }
    categories = [(c, by_category.get(c.pk, 0)) for c in categories_for(campaign.township_code)]
    by_village = {
        row["village"]: row["n"]
        for row in opinions.annotate(village=Substr("area_code", 1, 12))
        .values("village")
        .annotate(n=Count("id"))
        .order_by()
    }
    names = dict(Region.objects.filter(code__in=by_village).values_list("code", "name"))
    visits = visible(Visit.objects.filter(campaign=campaign), user)
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
