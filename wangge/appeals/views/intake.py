"""Intake by staff: a member records an appeal for a household; the township phone line."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wangge.accounts.scope import (
    area_prefixes,
    in_areas,
    own_households,
    personal,
    townships_of,
)
from wangge.appeals.forms import (
    AppealForm,
    HouseholdChoiceForm,
    PhoneIntakeForm,
    form_errors,
    service_errors,
)
from wangge.appeals.models import Channel
from wangge.appeals.selectors import categories_of, category_for_township
from wangge.appeals.services import PHONE_LINE_STAFF, appeal_create, can_take_phone_calls
from wangge.core.errors import DomainError
from wangge.grids.models import Grid
from wangge.households.models import Household


def _household_for(user, pk: int | None) -> Household | None:
    households = personal(Household.objects.select_related("area"), user, own=own_households)
    if pk is None:
        return None
    household = households.filter(pk=pk).first()
    if household is None:
        raise Http404
    return household


def _user_key(request, form_key: str) -> str | None:
    return f"user{request.user.pk}:{form_key}" if form_key else None


def yours_to_handle(appeal, user) -> bool:
    """True when routing gave the request back to the member who recorded it (they lead the
    household's grid): they must know it is now theirs to handle."""
    member_id = getattr(user, "member_id", None)
    return bool(member_id) and appeal.assignee_member_id == member_id


def _recorded(request, created):
    if yours_to_handle(created, request.user):
        text = _(
            "Request %(ticket)s recorded. You lead this household's grid, so it is yours to handle."
        )
    else:
        text = _("Request %(ticket)s recorded.")
    messages.success(request, text % {"ticket": created.ticket})
    return redirect("appeals:detail", pk=created.pk)


def _household_pk(request) -> int | None:
    """The household from the page's link (``?household=``) or, once posted, from the form."""
    form = HouseholdChoiceForm(request.GET if request.GET.get("household") else request.POST)
    return form.cleaned_data["household"] if form.is_valid() else None


def request_new(request):
    """A member records an appeal for a household (from its page: ``?household=<id>``)."""
    form = AppealForm(request.POST, request.FILES) if request.method == "POST" else None
    household = _household_for(request.user, _household_pk(request))
    if household is None:
        messages.info(request, _("Open the household's page and choose “Record a request” there."))
        return redirect("households:household_list")
    errors: dict = {}
    if form is not None:
        if not form.is_valid():
            errors = form_errors(form)
        else:
            data = form.cleaned_data
            try:
                category = category_for_township(household.township_code, data["category"])
                if category is None:
                    raise ValidationError({"category": _("Choose a category.")})
                return _recorded(
                    request,
                    appeal_create(
                        actor=request.user,
                        household=household,
                        category=category,
                        text=data["text"],
                        channel=data["channel"],
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        photo=data["photo"],
                        idempotency_key=_user_key(request, data["form_key"]),
                    ),
                )
            except (ValidationError, DomainError) as exc:
                errors = service_errors(exc)
    return render(
        request,
        "appeals/new.html",
        {
            "household": household,
            "categories": categories_of(household.township_code),
            "errors": errors,
            "post": request.POST,
            "form_key": _form_key(form),
        },
    )


def _form_key(form) -> str:
    """The posted page's key again (sent twice, it stays one request), else a new one."""
    key = form.cleaned_data.get("form_key", "") if form is not None else ""
    return key if key.isalnum() else uuid.uuid4().hex


def request_phone_intake(request):
    """Township staff enter an appeal that came by phone: grid (or household id) + details."""
    if not can_take_phone_calls(request.user):
        raise PermissionDenied(_("Only township staff take requests from the phone line."))
    # Only the areas where the user takes calls, not every area another role lets them read.
    phone_areas = area_prefixes(request.user, PHONE_LINE_STAFF)
    grids = (
        in_areas(Grid.objects.filter(layer__has_levels=True, level__in=(3, 4)), phone_areas)
        .select_related("area")
        .order_by("area_code", "level", "name")
    )
    townships = townships_of(request.user, PHONE_LINE_STAFF)
    errors: dict = {}
    form = None
    if request.method == "POST":
        form = PhoneIntakeForm(request.POST)
        if not form.is_valid():
            errors = form_errors(form)
        else:
            try:
                return _recorded(request, _phone_intake(request, form.cleaned_data, grids))
            except Http404:
                errors = {"household": _("No household with that number in your area.")}
            except (ValidationError, DomainError) as exc:
                errors = service_errors(exc)
    return render(
        request,
        "appeals/phone.html",
        {
            "grids": grids,
            "categories": categories_of(townships[0]) if townships else [],
            "errors": errors,
            "post": request.POST,
            "form_key": _form_key(form),
        },
    )


def _phone_intake(request, data: dict, grids):
    grid = grids.filter(pk=data["grid"]).first() if data["grid"] else None
    household = _household_for(request.user, data["household"])
    place = household or grid
    if place is None:
        raise ValidationError({"grid": _("Choose the grid the caller lives in.")})
    category = category_for_township(place.township_code, data["category"])
    if category is None:
        raise ValidationError({"category": _("Choose a category.")})
    return appeal_create(
        actor=request.user,
        household=household,
        grid=grid,
        category=category,
        text=data["text"],
        channel=Channel.PHONE_LINE,
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        address=data["address"],
        idempotency_key=_user_key(request, data["form_key"]),
    )
