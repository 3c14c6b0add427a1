import datetime

from django.db.models import Count, Q

from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider
from wangge.visits.models import Visit
from wangge.visits.selectors import rollup_counts


@stat_provider
def visit_stats(area_code, today) -> dict:
    """Visits logged, paired households and overdue visits (everything when no area is given)."""
    visits = Visit.objects.all()
    # No area: every area, so no filter (an OR of every township's code overflowed SQLite).
    prefixes = None
    if area_code:
        visits = visits.filter(prefix_q("area_code", area_code))
        prefixes = [area_code]
    paired, overdue = rollup_counts(prefixes, {"all": Q()}, today)["all"]
    year_ago = today - datetime.timedelta(days=365)
    counts = visits.aggregate(
        all=Count("id"),
        last_year=Count("id", filter=Q(visited_on__gt=year_ago, visited_on__lte=today)),
    )
    return {
        "visits": counts["all"],
        "visits_last_year": counts["last_year"],
        "visits_paired_households": paired,
        "visits_overdue": overdue,
    }
