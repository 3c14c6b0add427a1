from django.db.models import Count

from wangge.accounts.scope import prefix_q
from wangge.campaigns.models import (
    DUTY_KINDS,
    Accountability,
    AccountabilityStatus,
    Campaign,
    CampaignKind,
    Opinion,
    PledgeAck,
)
from wangge.campaigns.selectors import current_pledge, scope_members
from wangge.core.stats import stat_provider
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


@stat_provider
def duty_stats(area_code, today) -> dict:
    """Campaigns per kind; acknowledgements of each duty campaign's current letter (and the
    grid members still to acknowledge it); accountability records not yet decided."""
    campaigns = Campaign.objects.all()
    records = Accountability.objects.exclude(status=AccountabilityStatus.DECIDED)
    if area_code:
        campaigns = campaigns.filter(prefix_q("area_code", area_code))
        records = records.filter(prefix_q("area_code", area_code))
    by_kind = dict(campaigns.values_list("kind").annotate(n=Count("id")).order_by())
    acknowledged = pending = 0
    for campaign in campaigns.filter(kind__in=DUTY_KINDS):
        pledge = current_pledge(campaign)
        if pledge is None:
            continue
        members = scope_members(campaign)
        if area_code:
            members = members.filter(prefix_q("area_code", area_code))
        done = PledgeAck.objects.filter(pledge=pledge, member__in=members).count()
        acknowledged += done
        pending += members.count() - done
    return {
        "campaigns_by_kind": {kind: by_kind.get(kind, 0) for kind in CampaignKind.values},
        "pledges_acknowledged": acknowledged,
        "pledges_pending": pending,
        "accountability_open": records.count(),
    }
