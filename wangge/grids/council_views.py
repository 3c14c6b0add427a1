"""Council pages: coverage of hamlets per village, the hamlets behind each figure, a council's
roster with seats added and removed, and founding a council for a hamlet without one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import can_see_area, can_write_registry, visible
from wangge.core.errors import DomainError
from wangge.core.forms import add_service_errors, cleaned_or_raise
from wangge.core.views import show_error
from wangge.grids.councils import (
    ROLES,
    council_coverage,
    council_create,
    council_for_user,
    council_list,
    council_seats,
    councils_of_hamlets,
    hamlets_by_council,
    may_change_council,
    seat_add,
    seat_remove,
)
from wangge.grids.forms import CouncilNewForm, SeatForm, SeatRemoveForm
from wangge.imports.exporting import can_export
from wangge.regions.codes import village_of
from wangge.regions.models import Level, Region


def council_index(request):
    rows = council_coverage(request.user)
    totals = {
        "hamlets": sum(r.hamlets for r in rows),
        "with_council": sum(r.with_council for r in rows),
        "without_council": sum(r.without_council for r in rows),
        "with_roster": sum(r.with_roster for r in rows),
    }
    village_councils = council_list(request.user).exclude(area__level=Level.HAMLET)
    return render(
        request,
        "grids/councils/coverage.html",
        {
            "rows": rows,
            "totals": totals,
            "village_councils": village_councils,
            "can_export": can_export(request.user),
        },
    )


def council_hamlets(request):
    village_code = (request.GET.get("village") or "").strip()[:12]
    which = request.GET.get("which") or "with"
    if village_code and not can_see_area(request.user, village_code):
        raise Http404
    hamlets = hamlets_by_council(request.user, village_code=village_code, which=which)
    page = Paginator(hamlets, 50).get_page(request.GET.get("page"))
    councils = councils_of_hamlets([h.code for h in page])
    village = Region.objects.filter(code=village_code).first() if village_code else None
    return render(
        request,
        "grids/councils/hamlets.html",
        {
            "page": page,
            "rows": [(h, councils.get(h.code)) for h in page],
            "which": which,
            "village": village,
            "writable": {h.code for h in page if can_write_registry(request.user, h.code)},
        },
    )


@require_POST
def council_new(request):
    form = CouncilNewForm(request.POST)
    code = form.cleaned_data["hamlet"] if form.is_valid() else ""
    hamlet = visible(Region.objects.filter(level=Level.HAMLET), request.user, field="code")
    hamlet = hamlet.filter(code=code).first() if code else None
    if hamlet is None:
        raise Http404
    try:
        council = council_create(actor=request.user, hamlet=hamlet)
    except ValidationError as exc:
        show_error(request, exc)
        return redirect(f"/grids/councils/hamlets/?village={village_of(code)}&which=without")
    messages.success(request, _("Council founded. Now add its members."))
    return redirect("grids:council_detail", pk=council.pk)


def council_detail(request, pk):
    council = council_for_user(request.user, pk)
    can_change = may_change_council(request.user, council)
    village = village_of(council.area_code) or council.area_code
    form = None
    status = 200
    if can_change:
        form = SeatForm(request.POST or None, user=request.user, village_code=village)
        if request.method == "POST" and form.is_valid():
            try:
                seat_add(
                    actor=request.user,
                    council=council,
                    role=form.cleaned_data["role"],
                    person=form.cleaned_data["person"],
                    member=form.cleaned_data["member"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Added to the council."))
                return redirect("grids:council_detail", pk=council.pk)
        if request.method == "POST":
            status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("Your role may look at this council but not change it."))
    return render(
        request,
        "grids/councils/detail.html",
        {
            "council": council,
            "seats": council_seats(council),
            "form": form,
            "roles": ROLES,
            "can_change": can_change,
        },
        status=status,
    )


@require_POST
def council_seat_remove(request, pk):
    council = council_for_user(request.user, pk)
    form = SeatRemoveForm(request.POST)
    try:
        seat_id = cleaned_or_raise(form)["seat"]
        seat_remove(actor=request.user, council=council, seat_id=seat_id)
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Taken off the council."))
    return redirect("grids:council_detail", pk=council.pk)
