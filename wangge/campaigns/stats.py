from django.db.models import Count

from wangge.accounts.scope import prefix_q
from wangge.campaigns.models import Opinion
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
