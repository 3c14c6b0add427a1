from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery

from wangge.accounts.scope import prefix_q
from wangge.campaigns.models import (
    DUTY_KINDS,
    Accountability,
    AccountabilityStatus,
    Campaign,
    CampaignKind,
    Consultation,
    Opinion,
    Pledge,
    PledgeAck,
    Quarantine,
    Returnee,
    Turnout,
)
from wangge.core.stats import stat_provider
from wangge.grids.models import GridMember
from wangge.visits.models import Visit


@stat_provider
def campaign_stats(area_code, today) -> dict:
    """Opinions per category over all visit campaigns, and members who made campaign visits."""
    opinions = Opinion.objects.all()
    visits = Visit.objects.filter(campaign__isnull=False)
    if area_code:
        opinions = opinions.filter(prefix_q("area_code", area_code))
        visits = visits.filter(prefix_q("area_code", area_code))
    rows = (
        opinions.values("category__name").annotate(n=Count("id")).order_by("-n", "category__name")
    )
    return {
        "opinions": sum(row["n"] for row in rows),
        "opinions_by_category": {(row["category__name"] or ""): row["n"] for row in rows},
        "campaign_members_visited": visits.exclude(member__isnull=True)
        .values("member_id")
        .distinct()
        .count(),
    }


def _count_distinct(queryset, field: str) -> Subquery:
    """COUNT(DISTINCT field) of a correlated subquery, without a GROUP BY."""
    counted = queryset.order_by().annotate(
        n=Func(F(field), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    )
    return Subquery(counted.values("n")[:1], output_field=IntegerField())


@stat_provider
def duty_stats(area_code, today) -> dict:
    """Campaigns per kind; acknowledgements of each duty campaign's current letter by its grid
    members, and those still to acknowledge it; accountability records not yet decided. A
    fixed number of queries, however many campaigns."""
    campaigns = Campaign.objects.all()
    records = Accountability.objects.exclude(status=AccountabilityStatus.DECIDED)
    grid_members = GridMember.objects.filter(grid__area_code__startswith=OuterRef("area_code"))
    acks = PledgeAck.objects.filter(
        pledge_id=OuterRef("latest"),
        member__grid_memberships__grid__area_code__startswith=OuterRef("area_code"),
    )
    if area_code:
        campaigns = campaigns.filter(prefix_q("area_code", area_code))
        records = records.filter(prefix_q("area_code", area_code))
        grid_members = grid_members.filter(prefix_q("member__area_code", area_code))
        acks = acks.filter(prefix_q("area_code", area_code))
    by_kind = dict(campaigns.values_list("kind").annotate(n=Count("id")).order_by())
    latest = Pledge.objects.filter(campaign=OuterRef("pk")).order_by("-version").values("pk")[:1]
    rows = (
        campaigns.filter(kind__in=DUTY_KINDS)
        .annotate(latest=Subquery(latest))
        .filter(latest__isnull=False)
        .annotate(
            members=_count_distinct(grid_members, "member_id"),
            acked=_count_distinct(acks, "member_id"),
        )
        .values_list("members", "acked")
    )
    acknowledged = sum(acked or 0 for _members, acked in rows)
    pending = sum((members or 0) - (acked or 0) for members, acked in rows)
    return {
        "campaigns_by_kind": {kind: by_kind.get(kind, 0) for kind in CampaignKind.values},
        "pledges_acknowledged": acknowledged,
        "pledges_pending": pending,
        "accountability_open": records.count(),
    }


@stat_provider
def turnout_stats(area_code, today) -> dict:
    """Turn-outs of the campaign engine (flood...): how many, by how many people, how many of
    them Party members."""
    turnouts = Turnout.objects.all()
    if area_code:
        turnouts = turnouts.filter(prefix_q("area_code", area_code))
    row = turnouts.aggregate(
        n=Count("id"),
        members=Count("member_id", distinct=True),
        persons=Count("person_id", distinct=True),
    )
    return {
        "campaign_turnouts": row["n"],
        "campaign_turnout_workers": row["members"] + row["persons"],
        "campaign_turnout_members": row["members"],
    }


@stat_provider
def epidemic_stats(area_code, today) -> dict:
    """Returnees registered in epidemic campaigns, and quarantines running today."""
    returnees = Returnee.objects.all()
    quarantines = Quarantine.objects.filter(starts_on__lte=today, ends_on__gte=today)
    if area_code:
        returnees = returnees.filter(prefix_q("area_code", area_code))
        quarantines = quarantines.filter(prefix_q("returnee__area_code", area_code))
    return {"returnees": returnees.count(), "quarantines_active": quarantines.count()}


@stat_provider
def consultation_stats(area_code, today) -> dict:
    """Members consulted about the grid scheme in visit campaigns, and the opinions they gave
    (千名党员大走访: the members were the ones visited)."""
    consultations = Consultation.objects.all()
    opinions = Opinion.objects.filter(consultation__isnull=False)
    if area_code:
        consultations = consultations.filter(prefix_q("area_code", area_code))
        opinions = opinions.filter(prefix_q("area_code", area_code))
    return {
        "campaign_members_consulted": consultations.values("member_id").distinct().count(),
        "campaign_consultation_opinions": opinions.count(),
    }
