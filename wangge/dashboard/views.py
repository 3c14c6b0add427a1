from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from wangge.accounts.scope import area_prefixes, in_areas, role_set, sees_personal_data
from wangge.dashboard.counts import area_counts
from wangge.dashboard.levels import level_figures, member_figures
from wangge.dashboard.overview import overview_figures
from wangge.grids.selectors import grid_list
from wangge.regions.models import Level, Region
from wangge.visits.selectors import is_cadre

ADMIN_HOMES = [
    ("system_admin", "accounts:user_index"),
    ("security_admin", "accounts:role_index"),
    ("audit_admin", "audit:event_index"),
]


def _area(request) -> Region | None:
    """The township or village asked for with ``?area=``, if the user sees it; 404 otherwise."""
    code = (request.GET.get("area") or "").strip()
    if not code:
        return None
    found = in_areas(Region.objects.filter(code=code), area_prefixes(request.user), field="code")
    region = found.first()
    if region is None:
        raise Http404
    return region


def overview(request):
    """The dashboard of the user's area (township or village), or of one township or village
    in it (``?area=CODE``): every figure opens the list behind it."""
    # Members without any other role work on phones: "/" is their field home.
    if role_set(request.user) == {"member"}:
        return redirect("visits:home")
    # The three administrators see no data (accounts.scope): "/" is their own page.
    for role, page in ADMIN_HOMES:
        if not sees_personal_data(request.user) and role in role_set(request.user):
            return redirect(page)
    area = _area(request)
    prefixes = [area.code] if area else area_prefixes(request.user)
    if area is None and len(prefixes) == 1:
        area = Region.objects.filter(code=prefixes[0]).first()
    # Counted once for the headline figures, the charts and the figure groups.
    counts = area_counts(request.user, prefixes, timezone.localdate())
    figures = overview_figures(request.user, prefixes=prefixes, counts=counts)
    context = {
        "figures": figures,
        "charts": figures["charts"],
        "area": area,
        "groups": level_figures(request.user, prefixes, counts=counts),
        # The township's villages to open their own dashboards.
        "children": counts.villages if area is None or area.level != Level.VILLAGE else [],
        # The overdue card links only for those the visit overview serves (not the data officer).
        "visits_overview": is_cadre(request.user),
    }
    return render(request, "dashboard/overview.html", context)


def grid_dashboard(request, pk: int):
    """One service grid's figures, for those who see the grid (its village, its members)."""
    grid = grid_list(request.user).filter(pk=pk).first()
    if grid is None:
        raise Http404
    groups = level_figures(request.user, [grid.area_code], grid=grid)
    return render(request, "dashboard/level.html", {"title": grid.name, "groups": groups})


def member_dashboard(request):
    """A member's own work: paired households and their visits, requests and steps to do."""
    if not getattr(request.user, "member_id", None):
        raise Http404
    groups = member_figures(request.user)
    return render(
        request, "dashboard/level.html", {"title": request.user.member.name, "groups": groups}
    )
