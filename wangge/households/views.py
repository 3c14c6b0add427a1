"""Household pages: list, detail, create, edit and the audited reveal of full numbers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes, can_write_registry, visible
from wangge.core.errors import ConflictError
from wangge.core.forms import RevealForm, add_service_errors
from wangge.core.reveal import reveal
from wangge.households.forms import HouseholdForm
from wangge.households.selectors import (
    HouseholdFilters,
    household_duplicates,
    household_for_user,
    tags_all,
)
from wangge.households.selectors import household_list as select_households
from wangge.households.services import (
    household_create,
    household_update,
)
from wangge.households.timeline import household_timeline
from wangge.regions.models import Level, Region

PAGE_SIZE = 50


def household_list(request):
    filters = HouseholdFilters.from_params(request.GET)
    households = (
        select_households(request.user, filters)
        .defer("head_id_number", "phone")
        .prefetch_related("tags")
    )
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    areas = visible(
        Region.objects.filter(level__in=[Level.VILLAGE, Level.HAMLET]), request.user, field="code"
    ).only("code", "name", "level")
    return render(
        request,
        "households/household_list.html",
        {
            "page": page,
            "filters": filters,
            "areas": areas,
            "tags": tags_all(request.user).order_by("sort", "slug"),
            "can_write": bool(area_prefixes(request.user, REGISTRY_WRITERS)),
        },
    )


TIMELINE_ON_PAGE = 10


def _detail_context(request, household, **extra) -> dict:
    duplicates = household_duplicates(request.user, household)
    timeline = household_timeline(request.user, household, limit=TIMELINE_ON_PAGE + 1)
    return {
        "household": household,
        "tags": household.tags.all(),
        "residents": household.residents.all(),
        "duplicates": duplicates.select_related("area").defer("head_id_number", "phone"),
        "can_write": can_write_registry(request.user, household.area_code),
        "reveal_form": extra.pop("reveal_form", None) or RevealForm(area_code=household.area_code),
        "reveal_url": reverse("households:household_reveal", args=[household.pk]),
        "timeline": timeline[:TIMELINE_ON_PAGE],
        "timeline_more": len(timeline) > TIMELINE_ON_PAGE,
        **extra,
    }


def household_timeline_view(request, pk: int):
    """Everything recorded about one household, newest first: visits, requests, flags, plans."""
    household = household_for_user(request.user, pk)
    entries = household_timeline(request.user, household)
    return render(
        request, "households/household_timeline.html", {"household": household, "timeline": entries}
    )


def household_detail(request, pk: int):
    household = household_for_user(request.user, pk)
    return render(request, "households/household_detail.html", _detail_context(request, household))


@never_cache
@require_POST
def household_reveal(request, pk: int):
    """Show the head's full ID number and phone once, with a reason, and record who looked."""
    household = household_for_user(request.user, pk)
    if not can_write_registry(request.user, household.area_code):
        raise PermissionDenied
    form = RevealForm(request.POST, area_code=household.area_code)
    if form.is_valid():
        full = reveal(
            actor=request.user,
            obj=household,
            fields=["head_id_number", "phone"],
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
        )
        revealed = {"id_number": full["head_id_number"], "phone": full["phone"]}
        context = _detail_context(request, household, revealed=revealed)
    else:
        context = _detail_context(request, household, reveal_form=form)
    if request.htmx:  # htmx swaps only 2xx answers: a refused form comes back as 200 too
        return render(request, "core/_reveal.html", context)
    status = 200 if form.is_valid() else 400
    return render(request, "households/household_detail.html", context, status=status)


def household_create_view(request):
    if not area_prefixes(request.user, REGISTRY_WRITERS):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            household = household_create(actor=request.user, data=form.validated)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The household of %(name)s was added.") % {"name": household.head_name}
            )
            return redirect("households:household_detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": None})


def household_edit(request, pk: int):
    household = household_for_user(request.user, pk)
    if not can_write_registry(request.user, household.area_code):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            household = household_update(
                actor=request.user,
                household=household,
                data=form.validated,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("households:household_detail", pk=household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": household})
