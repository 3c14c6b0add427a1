"""Pages for residents without an account: the grid's QR form and the tracking page."""

import contextlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from wangge.appeals.forms import (
    PublicForm,
    RecoverForm,
    TrackForm,
    error_text,
    form_errors,
    service_errors,
)
from wangge.appeals.models import Channel, EventKind, Rating
from wangge.appeals.selectors import (
    categories_of,
    category_for_township,
    grid_for_qr,
    request_track,
    requests_for_phone,
)
from wangge.appeals.services import (
    appeal_create,
    appeal_input_errors,
    appeal_rate,
    appeal_recovery_check,
    appeal_recovery_start,
    phone_index,
)
from wangge.core import public
from wangge.core.errors import DomainError
from wangge.core.identity import IdentityError, parse_phone
from wangge.core.views import too_many_requests


def _public_context(grid, **extra):
    challenge = public.challenge_new()
    return {
        "grid": grid,
        "categories": categories_of(grid.township_code),
        "challenge": challenge,
        **extra,
    }


def _too_many(ip: str, phone: str) -> bool:
    with contextlib.suppress(IdentityError):  # "139 1234 5678" is "13912345678"
        phone = parse_phone(phone, allow_landline=True)
    return public.rate_limited("submit_per_ip", ip) or bool(
        phone and public.rate_limited("submit_per_phone", phone_index(phone))
    )


def _too_many_message() -> str:
    phone = getattr(settings, "WANGGE_TOWNSHIP_PHONE", "")
    if phone:
        return _(
            "Too many requests from this phone or connection. Please wait an hour, or call "
            "the township office: %(phone)s."
        ) % {"phone": phone}
    return _(
        "Too many requests from this phone or connection. Please wait an hour, or call "
        "the township office."
    )


def _public_errors(form: PublicForm, grid) -> tuple[dict, str | None, object]:
    """Every mistake in the public form at once (fields, category, typed text and the sum),
    so a resident fixes them in one round; with the form's key and category when none."""
    valid = form.is_valid()
    errors = {} if valid else form_errors(form)
    raw = form.cleaned_data if valid else form.data
    typed = appeal_input_errors(
        text=raw.get("text") or "",
        contact_name=raw.get("contact_name") or "",
        contact_phone=raw.get("contact_phone") or "",
        public=True,
    )
    errors = {**typed, **errors}
    category = category_for_township(grid.township_code, raw.get("category"))
    if category is None:
        errors.setdefault("category", _("Choose a category."))
    form_key = None
    try:
        form_key = public.challenge_check(
            raw.get("token") or "", raw.get("answer") or "", raw.get("website") or ""
        )
    except ValueError as exc:
        errors.setdefault("answer", str(exc))
    return errors, form_key, category


@never_cache
def public_form(request, key: str):
    grid = grid_for_qr(key)
    if grid is None:
        raise Http404
    if request.method != "POST":
        return render(request, "appeals/public_form.html", _public_context(grid, post={}))
    form = PublicForm(request.POST, request.FILES)
    errors, form_key, category = _public_errors(form, grid)
    data = form.cleaned_data
    if not errors and _too_many(public.client_ip(request), data["contact_phone"]):
        errors["form"] = _too_many_message()
    if not errors:
        try:
            created = appeal_create(
                actor=None,
                grid=grid,
                category=category,
                text=data["text"],
                channel=Channel.PUBLIC_QR,
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                address=data["address"],
                photo=data["photo"],
                idempotency_key=form_key,
            )
        except (ValidationError, DomainError) as exc:
            errors = service_errors(exc)
        else:
            return render(request, "appeals/public_done.html", {"appeal": created, "grid": grid})
    if request.FILES.get("photo") and "photo" not in errors:
        errors["photo"] = _("Choose the photo again: it is not kept while mistakes are fixed.")
    return render(
        request,
        "appeals/public_form.html",
        _public_context(grid, post=request.POST, errors=errors),
        status=400,
    )


PUBLIC_EVENT_KINDS = {
    EventKind.CREATED,
    EventKind.ACCEPTED,
    EventKind.STARTED,
    EventKind.RESOLVED,
    EventKind.RATED,
    EventKind.REOPENED,
    EventKind.ESCALATED,
    EventKind.CLOSED,
}


@never_cache
def public_track(request):
    """Ticket + phone → state and a short timeline; any mismatch gets the same answer."""
    if request.method != "POST":
        return render(
            request, "appeals/public_track.html", {"ticket": "", "ratings": Rating.choices}
        )
    form = TrackForm(request.POST)
    valid = form.is_valid()
    context: dict = {"ticket": form.cleaned_data.get("ticket", ""), "ratings": Rating.choices}
    if public.rate_limited("track_per_ip", public.client_ip(request)):
        message = _("Too many look-ups from this connection. Please wait an hour.")
        return too_many_requests(request, message)
    data = form.cleaned_data if valid else {}
    appeal = request_track(data.get("ticket", ""), data.get("phone", "")) if data else None
    if appeal is None:
        context["error"] = _(
            "No request matches this ticket number and phone. Check both and try again."
        )
        return render(request, "appeals/public_track.html", context, status=404)
    message = ""
    if data["rating"]:
        try:
            appeal = appeal_rate(
                actor=None, appeal=appeal, rating=data["rating"], note=data["note"]
            )
            message = _("Thank you, your rating is recorded.")
        except (ValidationError, DomainError) as exc:
            context["error"] = error_text(exc)
    events = [e for e in appeal.events.order_by("at", "id") if e.kind in PUBLIC_EVENT_KINDS]
    context.update({"appeal": appeal, "events": events, "phone": data["phone"], "message": message})
    return render(request, "appeals/public_track.html", context)


@never_cache
def public_recover(request):
    """Lost ticket number: the phone gets a code by text message; phone + code list the
    phone's requests. Every phone number gets the same answer."""
    context: dict = {"step": "phone", "phone": ""}
    if request.method != "POST":
        return render(request, "appeals/public_recover.html", context)
    if public.rate_limited("track_per_ip", public.client_ip(request)):
        message = _("Too many look-ups from this connection. Please wait an hour.")
        return too_many_requests(request, message)
    form = RecoverForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"phone": "", "code": ""}
    phone = data["phone"].strip()
    context["phone"] = phone
    if not data["code"]:
        with contextlib.suppress(IdentityError):
            normal = parse_phone(phone, allow_landline=True)
            if not public.rate_limited("recover_per_phone", phone_index(normal)):
                appeal_recovery_start(phone=normal)
        context["step"] = "code"
        return render(request, "appeals/public_recover.html", context)
    if not appeal_recovery_check(phone=phone, code=data["code"]):
        context.update(
            step="code",
            error=_("The code is not right or has expired. Check it, or ask for a new one."),
        )
        return render(request, "appeals/public_recover.html", context, status=400)
    context.update(step="list", appeals=requests_for_phone(phone))
    return render(request, "appeals/public_recover.html", context)
