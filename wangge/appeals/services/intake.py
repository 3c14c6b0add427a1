"""Intake: record an appeal from a member, the phone line or the public form, and route it."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import can_see_area
from wangge.appeals.categories import categories_for
from wangge.appeals.deadlines import accept_due, resolve_due
from wangge.appeals.models import ActorKind, Appeal, Category, Channel, EventKind, State
from wangge.appeals.services.records import _event, _notify_assignee, _notify_resident
from wangge.appeals.services.routing import _user_of, route_for_household, route_from_grid
from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import DomainError
from wangge.core.identity import IdentityError, mask_phone, parse_phone
from wangge.grids.models import Grid
from wangge.regions.codes import township_of

MAX_TEXT = 2000
TICKET_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the problem in a few words.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {
                "text": _("Keep it under %(n)d characters; staff will call back for details.")
                % {"n": MAX_TEXT}
            }
        )
    return text


def _clean_phone(raw: str, *, required: bool) -> str:
    raw = (raw or "").strip()
    if not raw:
        if required:
            raise ValidationError(
                {"contact_phone": _("Give a mobile number so that you can follow the request.")}
            )
        return ""
    try:
        return parse_phone(raw, allow_landline=True)
    except IdentityError as exc:
        raise ValidationError({"contact_phone": str(exc)}) from exc


def _new_ticket(day: datetime.date) -> str:
    code = "".join(secrets.choice(TICKET_ALPHABET) for _i in range(5))
    return f"{day:%y%m%d}-{code}"


def phone_index(phone: str) -> str:
    return blind_index(phone, purpose="request-phone") if phone else ""


def _township_category(township: str | None, category: Category | None) -> Category:
    """The category given, if it is the township's; None files it under "other"."""
    if category is None and township:
        category = categories_for(township).filter(slug="other").first()
    if category is None or category.township_id != township:
        raise ValidationError({"category": _("Choose one of this township's categories.")})
    return category


def _contact(household, name: str, phone: str, *, required: bool) -> tuple[str, str]:
    """The phone and name to call back: as given, else the household's (both checked, so a
    form shows every mistake at once)."""
    errors: dict = {}
    try:
        phone = _clean_phone(phone, required=required)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        phone = ""
    if not phone and household is not None and household.phone:
        phone = household.phone
    name = (name or "").strip()[:50]
    if not name:
        if household is None:
            errors["contact_name"] = [ValidationError(_("Give your name."))]
        else:
            name = household.head_name
    if errors:
        raise ValidationError(errors)
    return phone, name


def appeal_input_errors(
    *, text: str, contact_name: str, contact_phone: str, household=None, public: bool
) -> dict[str, str]:
    """Every mistake in what a person typed, ``{field: message}``: for a form that must show
    them all in one round before anything else (the public form's sum) is checked."""
    try:
        _checked_input(text, household, contact_name, contact_phone, required=public)
    except ValidationError as exc:
        return {field: " ".join(messages) for field, messages in exc.message_dict.items()}
    return {}


def _checked_input(
    text: str, household, name: str, phone: str, *, required: bool
) -> tuple[str, str, str]:
    """The text, phone and name, or one ValidationError naming every field that is wrong."""
    errors: dict = {}
    try:
        text = _clean_text(text)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        phone, name = _contact(household, name, phone, required=required)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return text, phone, name


def appeal_create(
    *,
    actor,
    category: Category | None,
    text: str,
    channel: str,
    household=None,
    grid: Grid | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    photo=None,
    idempotency_key: str | None = None,
    at: datetime.datetime | None = None,
) -> Appeal:
    """Record an appeal and route it; the same idempotency key always gives the same appeal.

    ``actor`` is None for a resident using the public form (``channel=public_qr``, ``grid``
    from the QR code). Members pass the ``household`` (from its page or from a visit);
    ``category`` None files it under the township's "other" category.
    """
    if idempotency_key:
        existing = Appeal.objects.filter(idempotency_key=idempotency_key).order_by().first()
        if existing is not None:
            return existing
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if household is None and grid is None:
        raise ValidationError(
            {"household": _("Choose the household, or the grid the request comes from.")}
        )
    area = household.area if household is not None else grid.area
    if actor is not None and not can_see_area(actor, area.code):
        raise PermissionDenied(_("This household is outside your area."))
    category = _township_category(township_of(area.code), category)
    public = channel == Channel.PUBLIC_QR
    text, phone, contact_name = _checked_input(
        text, household, contact_name, contact_phone, required=public
    )
    route = route_for_household(household) if household is not None else route_from_grid(grid)
    now = at or timezone.now()
    accept_by = accept_due(category, now)
    appeal = Appeal(
        household=household,
        grid=route.grid,
        level=route.level,
        origin_level=route.level,
        category=category,
        text=text,
        address=(address or "").strip()[:200] or (household.address if household else ""),
        contact_name=contact_name,
        contact_phone=phone,
        contact_phone_masked=mask_phone(phone),
        blind_index=phone_index(phone),
        channel=channel,
        urgent=category.urgent,
        assignee_member=route.member,
        assignee_user=_user_of(route.member),
        created_by=actor if getattr(actor, "pk", None) else None,
        accept_due_at=accept_by,
        resolve_due_at=resolve_due(category, now),
        due_at=accept_by,
        idempotency_key=idempotency_key or None,
        created_at=now,
    )
    appeal.set_area(area)
    if photo is not None:
        appeal.photo.save(photo.name, photo, save=False)
    for _attempt in range(5):
        appeal.ticket = _new_ticket(timezone.localdate(now))
        try:
            with transaction.atomic():
                appeal.save(force_insert=True)
                _event(
                    appeal,
                    EventKind.CREATED,
                    actor=actor,
                    actor_kind=ActorKind.RESIDENT
                    if public
                    else (ActorKind.USER if actor is not None else ActorKind.SYSTEM),
                    to_state=State.SUBMITTED,
                    due_at=accept_by,
                    at=now,
                )
                audit_record(
                    actor=actor,
                    action="appeals.request_create",
                    obj=appeal,
                    detail={"channel": channel, "ticket": appeal.ticket},
                )
                _notify_assignee(
                    appeal,
                    _("New request %(ticket)s: %(category)s")
                    % {"ticket": appeal.ticket, "category": category.name},
                    text,
                )
                _notify_resident(
                    appeal,
                    _("Your request is registered; ticket number %(ticket)s.")
                    % {"ticket": appeal.ticket},
                )
            return appeal
        except IntegrityError:
            appeal.pk = None
            if idempotency_key:
                existing = Appeal.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    return existing
            # otherwise a ticket collision: draw again
    raise DomainError(_("Could not allocate a ticket number; try again."))
