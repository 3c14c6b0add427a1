from django.db.models import Count

from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider
from wangge.grids.models import CouncilSeat, Grid, GridLayer, Person


@stat_provider
def grid_stats(area_code, today) -> dict:
    grids = Grid.objects.all()
    if area_code:
        grids = grids.filter(prefix_q("area_code", area_code))
    counts = dict(grids.values_list("layer__slug").annotate(n=Count("id")).order_by())
    slugs = GridLayer.objects.order_by("sort", "slug").values_list("slug", flat=True)
    return {"grids_by_layer": {slug: counts.get(slug, 0) for slug in slugs}}


@stat_provider
def person_stats(area_code, today) -> dict:
    """People who serve (Party members or not) recorded for rosters."""
    people = Person.objects.all()
    if area_code:
        people = people.filter(prefix_q("area_code", area_code))
    return {"persons": people.count()}


@stat_provider
def council_stats(area_code, today) -> dict:
    """Councils (environment councils, the five elders) with at least one person on them."""
    seats = CouncilSeat.objects.all()
    if area_code:
        seats = seats.filter(prefix_q("council__area_code", area_code))
    return {"councils_with_roster": seats.values("council_id").distinct().count()}
