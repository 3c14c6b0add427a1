"""Environment pages: recent inspections, recording one, a hamlet's history, the township's
items and the comparison between villages (三看三比), which the township may switch off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, can_write_registry, townships_of
from wangge.campaigns.environment import (
    comparison,
    comparison_on,
    comparison_on_for,
    comparison_switch,
    hamlet_for_user,
    inspection_list,
    inspection_record,
    item_add,
    items_for,
)
from wangge.campaigns.environment_forms import ComparisonForm, InspectionForm, ItemForm
from wangge.core.forms import add_service_errors, writable
from wangge.core.views import show_form_errors
from wangge.party.models import Organisation, OrgKind


def _township(user) -> str:
    townships = townships_of(user)
    if not townships:
        raise Http404
    return townships[0]


def _office_township(user) -> str | None:
    """The township whose settings the user may change (the township office), if any."""
    for code in townships_of(user, {Role.TOWNSHIP_ADMIN.value}):
        if can_write_registry(user, code):
            return code
    return None


def environment_home(request):
    township = _township(request.user)
    page = Paginator(inspection_list(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/environment/home.html",
        {
            "page": page,
            "can_record": any(
                can_write_registry(request.user, p) for p in area_prefixes(request.user)
            ),
            "comparison_on": comparison_on_for(request.user, area_prefixes(request.user)),
            "office_township": _office_township(request.user),
            "township_on": comparison_on(township),
            "items": items_for(township),
        },
    )


def inspection_new(request):
    township = _township(request.user)
    items = items_for(township)
    councils = writable(Organisation.objects.filter(kind=OrgKind.COUNCIL), request.user).order_by(
        "area_code", "name"
    )
    if not councils.exists() and not any(
        can_write_registry(request.user, p) for p in area_prefixes(request.user)
    ):
        raise PermissionDenied(_("Your role may look at inspections but not record them."))
    form = InspectionForm(request.POST or None, user=request.user, items=items, councils=councils)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            hamlet = form.cleaned_data["hamlet"]
            if hamlet is None:
                form.add_error("hamlet", _("Choose the hamlet that was inspected."))
            else:
                try:
                    inspection = inspection_record(
                        actor=request.user,
                        hamlet=hamlet,
                        council=form.cleaned_data["council"],
                        day=form.cleaned_data["day"],
                        scores=form.scores(),
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Inspection recorded: %(total)d of %(max)d points.")
                        % {"total": inspection.total, "max": inspection.max_total},
                    )
                    return redirect("campaigns:env_hamlet", code=hamlet.code)
    return render(
        request,
        "campaigns/environment/inspection_form.html",
        {"form": form, "items": items, "today": timezone.localdate()},
        status=status,
    )


def hamlet_history(request, code):
    hamlet = hamlet_for_user(request.user, code)
    inspections = (
        inspection_list(request.user).filter(area_code=hamlet.code).prefetch_related("scores__item")
    )
    return render(
        request,
        "campaigns/environment/hamlet.html",
        {"hamlet": hamlet, "inspections": inspections[:50]},
    )


def compare(request):
    if not comparison_on_for(request.user, area_prefixes(request.user)):
        raise Http404
    today = timezone.localdate()
    raw = request.GET.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year else today.year
    return render(
        request,
        "campaigns/environment/compare.html",
        {
            "rows": comparison(request.user, year=year),
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
        },
    )


def items_page(request):
    township = _office_township(request.user)
    if township is None:
        raise PermissionDenied(_("Only the township office may change this."))
    form = ItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                item_add(
                    actor=request.user,
                    township_code=township,
                    name=form.cleaned_data["name"],
                    max_points=form.cleaned_data["max_points"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Item added."))
                return redirect("campaigns:env_items")
    return render(
        request,
        "campaigns/environment/items.html",
        {"form": form, "items": items_for(township)},
        status=status,
    )


@require_POST
def comparison_setting(request):
    township = _office_township(request.user)
    if township is None:
        raise PermissionDenied(_("Only the township office may change this."))
    form = ComparisonForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("campaigns:env_home")
    on = form.cleaned_data["on"]
    comparison_switch(actor=request.user, township_code=township, on=on)
    messages.success(
        request,
        _("Villages are compared again.") if on else _("Villages are no longer compared."),
    )
    return redirect("campaigns:env_home")
