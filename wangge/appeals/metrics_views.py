"""Pages for the three rates: an area's figures with its breakdown, and the drill-down lists.

Every number links to the timeline rows it counts (``metrics_list``), filtered the same way.
Per-member figures are shown only to the member and to village/township leaders, sorted by
name; there is never a rank.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import area_prefixes, can_see_area, in_areas, prefix_q
from wangge.appeals.metrics import (
    FIGURES,
    NONE,
    Period,
    PeriodError,
    Rates,
    Slice,
    can_see_member_figures,
    figure_rows,
    metrics_for_area,
    parse_period,
    rates_total,
    recent_periods,
)
from wangge.grids.models import Grid
from wangge.party.models import Member
from wangge.regions.codes import TOWNSHIP_LENGTH, VILLAGE_LENGTH, township_of
from wangge.regions.models import Level, Region


def figure_labels() -> dict[str, str]:
    return {
        "routed": _("Requests routed"),
        "responded": _("Accepted within the time limit"),
        "escalated": _("Escalated"),
        "ratings": _("Ratings given"),
        "ratings_solved": _("Ratings satisfied or basically satisfied"),
        "rated": _("Rated requests (the rating that stands)"),
        "rated_solved": _("Rated requests solved"),
        "resolved": _("Resolved requests (time to resolve)"),
    }


def _period_from(get) -> tuple[Period, str]:
    """The period from ``period`` or from/to dates; on a bad value the current month and a
    message saying what to fix."""
    value = (get.get("period") or "").strip()
    first, last = (get.get("from") or "").strip(), (get.get("to") or "").strip()
    if first and last:
        value = f"{first}..{last}"
    try:
        return parse_period(value[:40]), ""
    except PeriodError as exc:
        return parse_period(""), str(exc)


def _area_for(user, code: str) -> Region:
    """The requested area if the user sees it, else their own top area; 404 otherwise."""
    code = (code or "").strip()
    if not code:
        prefixes = area_prefixes(user)
        if not prefixes:
            raise Http404
        code = prefixes[0]
    if not code.isdigit() or not can_see_area(user, code):
        raise Http404
    area = Region.objects.filter(code=code).first()
    if area is None:
        raise Http404
    return area


class Links:
    """Builds drill-down links that carry the period and the slice."""

    def __init__(self, period: Period, area: str):
        self.base = reverse("appeals_metrics:list")
        self.common = {"period": period.key, "area": area}

    def __call__(self, figure: str, *, area: str | None = None, grid=None, member=None) -> str:
        params = dict(self.common, figure=figure)
        if area:
            params["area"] = area
        if grid is not None:
            params["grid"] = grid
        if member is not None:
            params["member"] = member
        return f"{self.base}?{urlencode(params)}"


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{100 * value:.1f}".removesuffix(".0")
    return f"{text}%"


def _row(label: str, rates: Rates | None, link, **where) -> dict:
    rates = rates or Rates()
    return {
        "label": label,
        "rates": rates,
        "median": None
        if rates.median_hours is None
        else f"{rates.median_hours:.1f}".removesuffix(".0"),
        "pct": {
            "response": percent(rates.response_rate),
            "resolution": percent(rates.resolution_rate),
            "satisfaction": percent(rates.satisfaction_rate),
            "escalation": percent(rates.escalation_share),
        },
        "links": {figure: link(figure, **where) for figure in FIGURES},
    }


def metrics_page(request):
    period, period_error = _period_from(request.GET)
    area = _area_for(request.user, request.GET.get("area", ""))
    figures = metrics_for_area(request.user, area.code, period)
    link = Links(period, area.code)
    total = _row(area.name, figures["total"], link)
    children_rows, grid_rows, member_rows = [], [], []
    if figures["children"] is not None:
        length = len(area.code) + 3
        children = Region.objects.filter(
            prefix_q("code", area.code),
            level=Level.VILLAGE if length == VILLAGE_LENGTH else Level.TOWNSHIP,
        )
        names = dict(children.order_by("code").values_list("code", "name"))
        for code in sorted(set(names) | {k for k in figures["children"] if k}):
            rates = figures["children"].get(code)
            row = _row(names.get(code, code), rates, link, area=code)
            row["area"] = code
            children_rows.append(row)
    if figures["grids"] is not None:
        grids = Grid.objects.in_bulk([k for k in figures["grids"] if k is not None])
        for key, rates in figures["grids"].items():
            grid = grids.get(key)
            label = (
                f"{grid.name} · L{grid.level}"
                if grid and grid.level
                else (grid.name if grid else _("No grid"))
            )
            sort = (0, grid.level or 0, grid.name) if grid else (1, 0, "")
            grid_rows.append((sort, _row(label, rates, link, grid=key if key else NONE)))
        grid_rows = [row for _sort, row in sorted(grid_rows, key=lambda pair: pair[0])]
    if figures["members"] is not None:
        members = Member.objects.in_bulk([k for k in figures["members"] if k is not None])
        for key, rates in figures["members"].items():
            member = members.get(key)
            label = member.name if member else _("Nobody responsible")
            member_rows.append(_row(label, rates, link, member=key if key else NONE))
        # By name, never by a score.
        member_rows.sort(key=lambda row: (row["label"] == _("Nobody responsible"), row["label"]))
    parent = None
    township = township_of(area.code)
    if len(area.code) > TOWNSHIP_LENGTH and can_see_area(request.user, township):
        parent = township
    return render(
        request,
        "appeals/metrics.html",
        {
            "area": area,
            "parent": parent,
            "period": period,
            "period_error": period_error,
            "periods": recent_periods(timezone.localdate()),
            "total": total,
            "children_rows": children_rows,
            "grid_rows": grid_rows,
            "member_rows": member_rows,
            "members_shown": figures["members"] is not None,
            "leader_view": can_see_member_figures(request.user, area.code, None),
        },
    )


def metrics_list(request):
    """The timeline rows behind one figure: one row per counted rating, request or result."""
    figure = request.GET.get("figure", "")
    if figure not in FIGURES:
        raise Http404
    period, period_error = _period_from(request.GET)
    area = _area_for(request.user, request.GET.get("area", ""))
    grid = request.GET.get("grid") or None
    member = request.GET.get("member") or None
    for value in (grid, member):
        if value is not None and value != NONE and not value.isdigit():
            raise Http404
    if member is not None and not can_see_member_figures(request.user, area.code, member):
        raise Http404
    if grid is not None and not can_see_member_figures(request.user, area.code, None):
        raise Http404  # a grid's figures are its first responsible person's
    where = Slice(
        prefixes=[area.code],
        grid=grid if grid in (None, NONE) else int(grid),
        member=member if member in (None, NONE) else int(member),
    )
    rows = figure_rows(figure, period, where).select_related(
        "appeal", "appeal__category", "appeal__area"
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    if figure == "resolved":
        for row in page:
            row.hours = round((row.at - row.created_at).total_seconds() / 3600, 1)
    subject = ""
    if where.grid not in (None, NONE):
        grids = in_areas(Grid.objects.filter(pk=where.grid), [area.code])
        subject = grids.values_list("name", flat=True).first()
        if subject is None:
            raise Http404
    elif where.grid == NONE:
        subject = _("No grid")
    if where.member not in (None, NONE):
        members = Member.objects.filter(pk=where.member)
        # A member is named here only if they are in the area or were given its requests.
        if not in_areas(members, [area.code]).exists() and not rows.exists():
            raise Http404
        subject = members.values_list("name", flat=True).first() or ""
    elif where.member == NONE:
        subject = _("Nobody responsible")
    back = (
        reverse("appeals_metrics:page") + "?" + urlencode({"period": period.key, "area": area.code})
    )
    return render(
        request,
        "appeals/metrics_list.html",
        {
            "figure": figure,
            "figure_label": figure_labels()[figure],
            "period": period,
            "period_error": period_error,
            "area": area,
            "subject": subject,
            "page": page,
            "back": back,
            "shows_rating": figure.startswith("rat"),
            "shows_duration": figure == "resolved",
        },
    )


def rates_summary(user) -> dict | None:
    """The compact block on the overview: this month's rates for the user's first area, each
    number linking to its list like on the rates page (three queries)."""
    prefixes = area_prefixes(user)
    if not prefixes:
        return None
    period = parse_period("")
    code = prefixes[0]
    row = _row("", rates_total(period, Slice(prefixes=[code])), Links(period, code))
    return {"row": row, "period": period, "url": reverse("appeals_metrics:page")}


def metrics_block(request):
    """The overview's compact block, loaded by htmx so the overview itself stays as cheap."""
    summary = rates_summary(request.user)
    if summary is None:
        return HttpResponse("")
    return render(request, "appeals/metrics_block.html", {"request_rates": summary})
