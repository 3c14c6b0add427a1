"""Reads of campaigns and their opinions, always given the user and scoped."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from wangge.accounts.models import Role
from wangge.accounts.scope import (
    area_prefixes,
    get_visible_or_404,
    in_areas,
    own_households,
    own_member,
    personal,
    personal_or_404,
    prefix_q,
    visible,
)
from wangge.campaigns.models import (
    DUTY_KINDS,
    LOG_KINDS,
    Accountability,
    Campaign,
    CampaignKind,
    DutyLog,
    Opinion,
    OpinionCategory,
    Pledge,
    PledgeAck,
    RosterEntry,
)
from wangge.grids.models import GridMember, Person
from wangge.party.models import Member
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


# --- Duty campaigns ---


def scope_members(campaign: Campaign) -> QuerySet:
    """The grid members of the campaign's area: everyone who serves on a grid there."""
    grids = GridMember.objects.filter(prefix_q("grid__area_code", campaign.area_code))
    return Member.objects.filter(pk__in=grids.values("member_id"))


def current_pledge(campaign: Campaign) -> Pledge | None:
    return campaign.pledges.order_by("-version").first()


def pledge_for_user(user, pk: int) -> Pledge:
    """A letter of a campaign the user can see, or 404."""
    pledge = Pledge.objects.select_related("campaign").filter(pk=pk).first()
    if pledge is None or not campaign_list(user).filter(pk=pledge.campaign_id).exists():
        raise Http404
    return pledge


def pledges_to_acknowledge(user, today: datetime.date) -> list[Pledge]:
    """The newest letter of each running duty campaign that the user's member has not yet
    acknowledged (the member's phone home asks for them)."""
    member = getattr(user, "member", None)
    if member is None:
        return []
    out = []
    campaigns = campaign_list(user).filter(kind__in=DUTY_KINDS, ends_on__gte=today)
    for campaign in campaigns:
        pledge = current_pledge(campaign)
        if pledge is None or not member.area_code.startswith(campaign.area_code):
            continue
        if PledgeAck.objects.filter(pledge=pledge, member=member).exists():
            continue
        if scope_members(campaign).filter(pk=member.pk).exists():
            out.append(pledge)
    return out


def pledge_counts(user, campaign: Campaign, *, village: str = "") -> dict:
    """Acknowledged and pending per village (and per grid of one village), in the user's
    scope: counts only, never a list of names (SPEC principle 4, no read-receipt shaming)."""
    pledge = current_pledge(campaign)
    members = visible(scope_members(campaign), user)
    acked = set()
    if pledge is not None:
        acked = set(
            PledgeAck.objects.filter(pledge=pledge, member__in=members).values_list(
                "member_id", flat=True
            )
        )
    by_village: dict[str, list[int]] = {}
    for member_id, code in members.values_list("pk", "area_code"):
        row = by_village.setdefault(code[:VILLAGE_LENGTH], [0, 0])
        row[0 if member_id in acked else 1] += 1
    names = dict(Region.objects.filter(code__in=by_village).values_list("code", "name"))
    grids = []
    if village:
        memberships = GridMember.objects.filter(
            prefix_q("grid__area_code", village), member__in=members
        ).values_list("grid_id", "grid__name", "member_id")
        per_grid: dict[tuple[int, str], list[int]] = {}
        for grid_id, name, member_id in memberships:
            row = per_grid.setdefault((grid_id, name), [0, 0])
            row[0 if member_id in acked else 1] += 1
        grids = sorted((name, a, p) for (_gid, name), (a, p) in per_grid.items())
    rows = sorted((c, names.get(c, c), a, p) for c, (a, p) in by_village.items())
    return {
        "pledge": pledge,
        "acknowledged": sum(r[2] for r in rows),
        "pending": sum(r[3] for r in rows),
        "by_village": rows,
        "by_grid": grids,
    }


def duty_log_list(user, campaign: Campaign, *, kind: str = "") -> QuerySet:
    qs = visible(DutyLog.objects.filter(campaign=campaign), user).select_related("area", "member")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-day", "-id")


def duty_log_for_user(user, pk: int) -> DutyLog:
    return get_visible_or_404(DutyLog.objects.select_related("campaign"), user, pk=pk)


def duty_campaigns_for(user, today: datetime.date) -> QuerySet:
    """Duty campaigns running today over the user's member's area (for the patrol form)."""
    member = getattr(user, "member", None)
    if member is None:
        return Campaign.objects.none()
    return campaign_list(user).filter(
        kind__in=LOG_KINDS,
        starts_on__lte=today,
        ends_on__gte=today,
        area_code__in=[*_ancestors(member.area_code), member.area_code],
    )


ACCOUNTABILITY_READERS = {
    Role.DISCIPLINE,
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_LEADER,
    Role.VILLAGE_SECRETARY,
}


def accountability_list(user, *, status: str = "") -> QuerySet:
    """Accountability records for the discipline committee (its queue) and the staff who
    opened them; nobody else."""
    qs = in_areas(
        Accountability.objects.all(), area_prefixes(user, ACCOUNTABILITY_READERS)
    ).select_related("campaign", "member", "person", "area", "duty_log")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-id")


def accountability_for_user(user, pk: int) -> Accountability:
    try:
        return accountability_list(user).get(pk=pk)
    except Accountability.DoesNotExist as exc:
        raise Http404 from exc


def roster_of(user, campaign: Campaign) -> QuerySet:
    return (
        RosterEntry.objects.filter(campaign=campaign)
        .filter(person__in=visible(Person.objects.all(), user))
        .select_related("person", "person__area")
    )
