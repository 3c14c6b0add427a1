from django.db.models import Q

from wangge.accounts.scope import prefix_q
from wangge.dashboard.stats import stat_provider
from wangge.regions.models import Region
from wangge.visits.models import Visit
from wangge.visits.selectors import rollup_counts


@stat_provider
def visit_stats(area_code, today) -> dict:
    """Visits logged, paired households and overdue visits (everything when no area is given)."""
    visits = Visit.objects.all()
    if area_code:
        visits = visits.filter(prefix_q("area_code", area_code))
        prefixes = [area_code]
    else:
        prefixes = list(Region.objects.filter(level="township").values_list("code", flat=True))
    paired, overdue = rollup_counts(prefixes, {"all": Q()}, today)["all"]
    return {
        "visits": visits.count(),
        "visits_last_year": visits.filter(visited_on__gt=today.replace(year=today.year - 1))
        .filter(visited_on__lte=today)
        .count(),
        "visits_paired_households": paired,
        "visits_overdue": overdue,
    }
