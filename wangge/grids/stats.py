from django.db.models import Count

from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider
from wangge.grids.models import Grid, GridLayer, Person


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
