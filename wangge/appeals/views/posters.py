"""Grid QR posters: one grid's poster (page and PNG), and every poster a handler prints."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.scope import area_prefixes, in_areas, prefix_q, visible
from wangge.appeals.posters import grid_qr_key, poster_png, qr_svg
from wangge.appeals.services import HANDLERS
from wangge.grids.models import Grid
from wangge.regions.models import Level, Region


def _grid_for_poster(user, pk: int) -> Grid:
    grid = visible(Grid.objects.select_related("area", "responsible"), user).filter(pk=pk).first()
    if grid is None:
        raise Http404
    if not any(grid.area_code.startswith(p) for p in area_prefixes(user, HANDLERS)):
        raise PermissionDenied(_("Only village and township staff print grid posters."))
    return grid


def grid_poster(request, pk: int):
    grid = _grid_for_poster(request.user, pk)
    url = request.build_absolute_uri(reverse("appeals:public_form", args=[grid_qr_key(grid)]))
    return render(request, "appeals/poster.html", {"grid": grid, "url": url, "svg": qr_svg(url)})


POSTERS_PER_PAGE = 20


def grid_posters(request):
    """The service grids of levels 3–4 the user prints for, one poster per printed page: one
    village at a time (the first by default) and twenty to a page, so a cheap phone is not
    made to draw hundreds of QR codes at once."""
    handler_prefixes = area_prefixes(request.user, HANDLERS)
    if not handler_prefixes:
        raise PermissionDenied(_("Only village and township staff print grid posters."))
    villages = list(
        in_areas(Region.objects.filter(level=Level.VILLAGE), handler_prefixes, field="code")
        .order_by("code")
        .values("code", "name")
    )
    area = request.GET.get("area")
    if area is None:
        area = villages[0]["code"] if villages else ""
    grids = in_areas(
        Grid.objects.filter(layer__has_levels=True, level__in=(3, 4)), handler_prefixes
    ).select_related("area", "responsible")
    if area.isdigit():
        grids = grids.filter(prefix_q("area_code", area))
    page = Paginator(grids.order_by("area_code", "level", "name"), POSTERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    posters = []
    for grid in page.object_list:
        url = request.build_absolute_uri(reverse("appeals:public_form", args=[grid_qr_key(grid)]))
        posters.append({"grid": grid, "url": url, "svg": qr_svg(url)})
    return render(
        request,
        "appeals/posters.html",
        {"posters": posters, "page": page, "villages": villages, "area": area},
    )


def grid_poster_png(request, pk: int):
    grid = _grid_for_poster(request.user, pk)
    url = request.build_absolute_uri(reverse("appeals:public_form", args=[grid_qr_key(grid)]))
    response = HttpResponse(poster_png(grid, url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="grid-{grid.pk}-poster.png"'
    return response
