"""Writes for residents' requests: intake, routing, the state machine, escalation, ratings.

Every transition is a conditional update (``filter(pk=…, state=…).update(...)``) checked by
its row count, so when two people act at once exactly one wins and the other gets a plain
reason; every transition writes one timeline row. Notifications go out on commit.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, can_see_area
from wangge.appeals.categories import categories_for
from wangge.appeals.deadlines import accept_due, resolve_due
from wangge.appeals.models import (
    OPEN_STATES,
    ActorKind,
    Appeal,
    AppealEvent,
    Category,
    Channel,
    EventKind,
    Rating,
    State,
)
from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import DomainError
from wangge.core.identity import IdentityError, mask_phone, parse_phone
from wangge.core.notify import notify
from wangge.grids.models import Grid, GridHousehold

MAX_TEXT = 2000
JOB_BATCH = 2000  # requests a background run handles at most
TICKET_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
# Roles that handle any request in their area (besides the person it is assigned to).
HANDLERS = {
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_LEADER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
}
# Roles that take requests arriving on the township phone line.
PHONE_LINE_STAFF = {Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER}


# ---------------------------------------------------------------- permissions


def is_assignee(user, request: Appeal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if request.assignee_user_id and request.assignee_user_id == user.pk:
        return True
    return bool(request.assignee_member_id and request.assignee_member_id == user.member_id)


def can_handle(user, request: Appeal) -> bool:
    """The assignee, or a township/village handler over the request's area."""
    if is_assignee(user, request):
        return True
    return any(request.area_code.startswith(p) for p in area_prefixes(user, HANDLERS))


def require_handle(user, request: Appeal) -> None:
    if not can_handle(user, request):
        raise PermissionDenied(
            _("Only the person responsible or the village and township staff can act on it.")
        )


def did_the_work(user, request: Appeal) -> bool:
    """The user holds the request or wrote its latest resolution: they may not grade it."""
    if is_assignee(user, request):
        return True
    resolver = (
        request.events.filter(kind=EventKind.RESOLVED)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return resolver is not None and resolver == getattr(user, "pk", None)


def require_independent(user, request: Appeal) -> None:
    """A rating is the resident's word: the person who did the work cannot record it."""
    if did_the_work(user, request):
        raise PermissionDenied(
            _(
                "The person who resolved a request cannot rate it or close it unrated: the "
                "resident rates it on the tracking page, or other village or township staff "
                "record the resident's answer."
            )
        )


def can_take_phone_calls(user) -> bool:
    return bool(area_prefixes(user, PHONE_LINE_STAFF))


# ---------------------------------------------------------------- routing


@dataclass(frozen=True)
class Route:
    grid: Grid | None
    member: object | None  # party.Member

    @property
    def level(self) -> int | None:
        return self.grid.level if self.grid is not None else None


def route_from_grid(grid: Grid | None) -> Route:
    """The grid itself when it has a first responsible person, else the nearest one above."""
    first = grid
    seen: set[int] = set()
    current = grid
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.responsible_id:
            return Route(grid=current, member=current.responsible)
        current = (
            Grid.objects.select_related("responsible").filter(pk=current.parent_id).first()
            if current.parent_id
            else None
        )
    return Route(grid=first, member=None)


def route_for_household(household) -> Route:
    """The household's grid in the four-level service layer (L4, or L3 when L4 has nobody)."""
    assignment = (
        GridHousehold.objects.filter(household=household, layer__has_levels=True)
        .select_related("grid__responsible")
        .first()
    )
    return route_from_grid(assignment.grid if assignment else None)


def _user_of(member):
    if member is None:
        return None
    try:
        return member.user
    except Exception:  # RelatedObjectDoesNotExist: the member has no account
        return None


# ---------------------------------------------------------------- intake


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


def _event(request: Appeal, kind: str, *, actor=None, actor_kind=ActorKind.USER, **fields):
    return AppealEvent.objects.create(
        appeal=request,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_kind=actor_kind,
        at=fields.pop("at", None) or timezone.now(),
        level=request.level,
        grid_id=request.grid_id,
        assignee_member_id=request.assignee_member_id,
        area_code=request.area_code,
        township_code=request.township_code,
        **fields,
    )


def _link(request: Appeal) -> str:
    return reverse("appeals:detail", args=[request.pk])


def _notify_assignee(request: Appeal, subject: str, body: str = "") -> None:
    notify(
        subject=subject,
        body=body,
        link=_link(request),
        member=request.assignee_member,
        user=request.assignee_user,
    )


def _notify_resident(request: Appeal, subject: str) -> None:
    if request.contact_phone:
        notify(subject=subject, phone=request.contact_phone)


def request_create(
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
    """Record a request and route it; the same idempotency key always gives the same request.

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
    if category is None:
        category = categories_for(area.code[:9]).filter(slug="other").first()
    if category is None or category.township_id != area.code[:9]:
        raise ValidationError({"category": _("Choose one of this township's categories.")})
    text = _clean_text(text)
    public = channel == Channel.PUBLIC_QR
    phone = _clean_phone(contact_phone, required=public)
    if not phone and household is not None and household.phone:
        phone = household.phone
    contact_name = (contact_name or "").strip()[:50]
    if not contact_name:
        if household is None:
            raise ValidationError({"contact_name": _("Give your name.")})
        contact_name = household.head_name
    route = route_for_household(household) if household is not None else route_from_grid(grid)
    now = at or timezone.now()
    accept_by = accept_due(category, now)
    request = Appeal(
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
    request.set_area(area)
    if photo is not None:
        request.photo.save(photo.name, photo, save=False)
    for _attempt in range(5):
        request.ticket = _new_ticket(timezone.localdate(now))
        try:
            with transaction.atomic():
                request.save(force_insert=True)
                _event(
                    request,
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
                    obj=request,
                    detail={"channel": channel, "ticket": request.ticket},
                )
                _notify_assignee(
                    request,
                    _("New request %(ticket)s: %(category)s")
                    % {"ticket": request.ticket, "category": category.name},
                    text,
                )
                _notify_resident(
                    request,
                    _("Your request is registered; ticket number %(ticket)s.")
                    % {"ticket": request.ticket},
                )
            return request
        except IntegrityError:
            request.pk = None
            if idempotency_key:
                existing = Appeal.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    return existing
            # otherwise a ticket collision: draw again
    raise DomainError(_("Could not allocate a ticket number; try again."))


# ---------------------------------------------------------------- transitions


def _next_step_hint(state: str) -> str:
    hints = {
        State.SUBMITTED: _("Accept it first."),
        State.ACCEPTED: _("Start work on it or mark it resolved."),
        State.IN_PROGRESS: _("Mark it resolved when the work is done."),
        State.RESOLVED: _("It is waiting for the resident's rating."),
        State.RATED: _("It has been rated; it can only be closed."),
        State.CLOSED: _("It is closed."),
    }
    return hints.get(state, "")


def _refused(request: Appeal, action: str) -> DomainError:
    message = _("Cannot %(action)s request %(ticket)s: it is now “%(state)s”.") % {
        "action": action,
        "ticket": request.ticket,
        "state": request.get_state_display(),
    }
    return DomainError(f"{message} {_next_step_hint(request.state)}".strip(), code="invalid_state")


def _transition(
    *,
    actor,
    request: Appeal,
    action: str,
    kind: str,
    allowed: tuple[str, ...],
    to_state: str,
    note: str = "",
    actor_kind: str = ActorKind.USER,
    updates: dict | None = None,
    event_fields: dict | None = None,
) -> Appeal:
    """Move ``request`` from one of ``allowed`` to ``to_state`` if nobody moved it first."""
    current = Appeal.objects.filter(pk=request.pk).values_list("state", flat=True).first()
    if current not in allowed:
        request.state = current or request.state
        raise _refused(request, action)
    now = timezone.now()
    updates = dict(updates or {})
    with transaction.atomic():
        changed = Appeal.objects.filter(pk=request.pk, state=current).update(
            state=to_state, updated_at=now, **updates
        )
        if changed != 1:
            request.refresh_from_db(fields=["state"])
            raise DomainError(
                _(
                    "Someone else acted on request %(ticket)s at the same moment; "
                    "it is now “%(state)s”."
                )
                % {"ticket": request.ticket, "state": request.get_state_display()},
                code="conflict",
            )
        request.refresh_from_db()
        _event(
            request,
            kind,
            actor=actor,
            actor_kind=actor_kind,
            from_state=current,
            to_state=to_state,
            note=note,
            at=now,
            **(event_fields or {}),
        )
        audit_record(
            actor=actor,
            action=f"appeals.request_{kind}",
            obj=request,
            detail={"from": current, "to": to_state},
        )
    return request


def request_accept(*, actor, request: Appeal, note: str = "") -> Appeal:
    require_handle(actor, request)
    updates = {"accepted_at": timezone.now(), "due_at": request.resolve_due_at}
    # 首接负责: whoever accepts is responsible from now on (when it was not already theirs).
    if actor.member_id and request.assignee_member_id != actor.member_id:
        updates["assignee_member_id"] = actor.member_id
    updates["assignee_user_id"] = actor.pk
    request = _transition(
        actor=actor,
        request=request,
        action=_("accept"),
        kind=EventKind.ACCEPTED,
        allowed=(State.SUBMITTED,),
        to_state=State.ACCEPTED,
        note=note.strip(),
        updates=updates,
        event_fields={"due_at": request.resolve_due_at},
    )
    _notify_resident(
        request,
        _("Your request %(ticket)s has been accepted by %(name)s.")
        % {"ticket": request.ticket, "name": actor},
    )
    return request


def request_start(*, actor, request: Appeal, note: str = "") -> Appeal:
    require_handle(actor, request)
    return _transition(
        actor=actor,
        request=request,
        action=_("start work on"),
        kind=EventKind.STARTED,
        allowed=(State.ACCEPTED,),
        to_state=State.IN_PROGRESS,
        note=note.strip(),
    )


def request_resolve(*, actor, request: Appeal, note: str) -> Appeal:
    require_handle(actor, request)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done, so the resident can judge it.")})
    request = _transition(
        actor=actor,
        request=request,
        action=_("resolve"),
        kind=EventKind.RESOLVED,
        allowed=(State.ACCEPTED, State.IN_PROGRESS),
        to_state=State.RESOLVED,
        note=note,
        updates={"resolved_at": timezone.now(), "due_at": None},
        event_fields={"due_at": request.resolve_due_at},
    )
    _notify_resident(
        request,
        _("Your request %(ticket)s is resolved. Please rate the result on the tracking page.")
        % {"ticket": request.ticket},
    )
    return request


def request_rate(*, actor, request: Appeal, rating: str, note: str = "") -> Appeal:
    """A rating from the resident (``actor`` None, after ticket + phone) or recorded by staff.

    An unsatisfied rating reopens the request once and escalates it one level.
    """
    if rating not in Rating.values:
        raise ValidationError(
            {"rating": _("Choose satisfied, basically satisfied or unsatisfied.")}
        )
    if actor is not None:
        require_handle(actor, request)
        require_independent(actor, request)
    actor_kind = ActorKind.RESIDENT if actor is None else ActorKind.USER
    now = timezone.now()
    with transaction.atomic():
        request = _transition(
            actor=actor,
            request=request,
            action=_("rate"),
            kind=EventKind.RATED,
            allowed=(State.RESOLVED,),
            to_state=State.RATED,
            note=(note or "").strip()[:500],
            actor_kind=actor_kind,
            updates={"rating": rating, "rated_at": now},
            event_fields={"rating": rating},
        )
        if rating == Rating.UNSATISFIED and request.reopen_count == 0:
            request = _reopen(actor=actor, request=request, actor_kind=actor_kind)
    return request


def _reopen(*, actor, request: Appeal, actor_kind: str) -> Appeal:
    now = timezone.now()
    due = resolve_due(request.category, now)
    request = _transition(
        actor=actor,
        request=request,
        action=_("reopen"),
        kind=EventKind.REOPENED,
        allowed=(State.RATED,),
        to_state=State.IN_PROGRESS,
        note=_("The resident was not satisfied; reopened once and escalated."),
        actor_kind=actor_kind,
        updates={
            "reopen_count": F("reopen_count") + 1,
            "resolve_due_at": due,
            "due_at": due,
            "resolved_at": None,
        },
        event_fields={"due_at": due},
    )
    target = _next_level(request)
    if target is not None:
        request = _escalate(
            actor=actor,
            request=request,
            target=target,
            reason=_("Unsatisfied rating"),
            automatic=actor is None,
        )
    else:
        _notify_assignee(
            request,
            _("Request %(ticket)s reopened: the resident was not satisfied.")
            % {"ticket": request.ticket},
        )
    return request


def request_close(*, actor, request: Appeal, note: str = "") -> Appeal:
    require_handle(actor, request)
    if request.state == State.RESOLVED:
        require_independent(actor, request)
    return _transition(
        actor=actor,
        request=request,
        action=_("close"),
        kind=EventKind.CLOSED,
        allowed=(State.RESOLVED, State.RATED),
        to_state=State.CLOSED,
        note=(note or "").strip(),
        updates={"closed_at": timezone.now(), "due_at": None},
    )


def request_add_note(*, actor, request: Appeal, note: str) -> AppealEvent:
    require_handle(actor, request)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the note first.")})
    with transaction.atomic():
        event = _event(request, EventKind.NOTE, actor=actor, note=note[:2000])
    return event


# ---------------------------------------------------------------- escalation


def _next_level(request: Appeal) -> Route | None:
    grid = request.grid
    if grid is None or not grid.parent_id:
        return None
    parent = Grid.objects.select_related("responsible").get(pk=grid.parent_id)
    return route_from_grid(parent)


def _escalate(*, actor, request: Appeal, target: Route, reason: str, automatic: bool) -> Appeal:
    """Move the request up to ``target`` if it still sits where we read it."""
    now = timezone.now()
    if request.state == State.SUBMITTED:
        due = accept_due(request.category, now)
    else:
        due = resolve_due(request.category, now)
    changed = Appeal.objects.filter(
        pk=request.pk, grid_id=request.grid_id, state__in=OPEN_STATES, due_at=request.due_at
    ).update(
        grid=target.grid,
        level=target.level,
        assignee_member=target.member,
        assignee_user=_user_of(target.member),
        escalation_count=F("escalation_count") + 1,
        due_at=due,
        updated_at=now,
    )
    if changed != 1:
        raise DomainError(
            _("Request %(ticket)s was changed at the same moment; reload it and try again.")
            % {"ticket": request.ticket},
            code="conflict",
        )
    request.refresh_from_db()
    _event(
        request,
        EventKind.ESCALATED,
        actor=actor,
        actor_kind=ActorKind.SYSTEM if automatic and actor is None else ActorKind.USER,
        note=reason,
        at=now,
        automatic=automatic,
        due_at=due,
        from_state=request.state,
        to_state=request.state,
    )
    audit_record(
        actor=actor,
        action="appeals.request_escalate",
        obj=request,
        detail={"level": request.level, "automatic": automatic},
    )
    _notify_assignee(
        request,
        _("Supervision notice: request %(ticket)s escalated to you (level %(level)s).")
        % {"ticket": request.ticket, "level": request.level or "-"},
        reason,
    )
    return request


def request_escalate(*, actor, request: Appeal, reason: str) -> Appeal:
    """Escalate by hand (上报) one level up, with a reason."""
    require_handle(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it needs the next level.")})
    if request.state not in OPEN_STATES:
        raise _refused(request, _("escalate"))
    target = _next_level(request)
    if target is None:
        raise DomainError(
            _("Request %(ticket)s is already at the top level of its grid; nobody to escalate to.")
            % {"ticket": request.ticket},
            code="top_level",
        )
    with transaction.atomic():
        return _escalate(
            actor=actor, request=request, target=target, reason=reason, automatic=False
        )


def requests_escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Escalate every open request past its deadline one level (idempotent: the deadline moves).

    At the top level a supervision notice is recorded once and the watch stops (``due_at``
    cleared); the original deadlines stay on the request and in the timeline for metrics.
    """
    now = now or timezone.now()
    done = 0
    overdue = (
        Appeal.objects.filter(state__in=OPEN_STATES, due_at__lte=now)
        .select_related("grid", "category", "assignee_member")
        .order_by("due_at", "id")
    )
    # A bounded batch, read before writing (no cursor held across the per-row transactions);
    # the next run picks up the rest.
    for request in list(overdue[:JOB_BATCH]):
        target = _next_level(request)
        try:
            with transaction.atomic():
                if target is not None:
                    _escalate(
                        actor=None,
                        request=request,
                        target=target,
                        reason=_("Time limit passed"),
                        automatic=True,
                    )
                else:
                    changed = Appeal.objects.filter(
                        pk=request.pk, due_at=request.due_at, state=request.state
                    ).update(due_at=None, updated_at=now)
                    if changed != 1:
                        continue
                    _event(
                        request,
                        EventKind.SUPERVISION,
                        actor_kind=ActorKind.SYSTEM,
                        automatic=True,
                        note=_("Time limit passed at the top level"),
                        due_at=request.due_at,
                        at=now,
                    )
                    _notify_assignee(
                        request,
                        _("Supervision notice: request %(ticket)s is past its time limit.")
                        % {"ticket": request.ticket},
                    )
                done += 1
        except DomainError:
            continue  # someone acted on it meanwhile; the next run sees the new state
    return done


# ---------------------------------------------------------------- categories


def require_category_write(user, township_code: str) -> None:
    if not any(township_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN})):
        raise PermissionDenied(_("Only the township office sets request categories and limits."))


def category_save(
    *,
    actor,
    township_code: str,
    category: Category | None,
    name: str,
    accept_hours: int,
    resolve_working_days: int,
    urgent: bool,
    active: bool = True,
) -> Category:
    """Change a category's name and time limits, or add one (``category`` None)."""
    require_category_write(actor, township_code)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the category a name.")
    if not 1 <= accept_hours <= 720:
        errors["accept_hours"] = _("Accept within 1 to 720 hours.")
    if not 1 <= resolve_working_days <= 90:
        errors["resolve_working_days"] = _("Resolve within 1 to 90 working days.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if category is None:
            slug = f"c{secrets.token_hex(4)}"
            category = Category.objects.create(
                township_id=township_code,
                slug=slug,
                name=name[:50],
                accept_hours=accept_hours,
                resolve_working_days=resolve_working_days,
                urgent=urgent,
                active=active,
                sort=100,
            )
        else:
            category.name = name[:50]
            category.accept_hours = accept_hours
            category.resolve_working_days = resolve_working_days
            category.urgent = urgent
            category.active = active
            category.save(
                update_fields=["name", "accept_hours", "resolve_working_days", "urgent", "active"]
            )
        audit_record(
            actor=actor,
            action="appeals.category_save",
            object_type="appeals.category",
            object_id=str(category.pk),
            area_code=township_code,
            detail={
                "accept_hours": accept_hours,
                "resolve_working_days": resolve_working_days,
                "urgent": urgent,
                "active": active,
            },
        )
    return category


UNRATED_CLOSE_DAYS = 7


def requests_close_unrated(*, now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Close requests resolved ``days`` ago that nobody rated (one timeline row each)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days or UNRATED_CLOSE_DAYS)
    closed = 0
    stale = Appeal.objects.filter(state=State.RESOLVED, resolved_at__lte=cutoff).order_by("id")
    for request in list(stale[:JOB_BATCH]):
        with transaction.atomic():
            changed = Appeal.objects.filter(pk=request.pk, state=State.RESOLVED).update(
                state=State.CLOSED, closed_at=now, updated_at=now
            )
            if changed != 1:
                continue
            request.state = State.CLOSED
            _event(
                request,
                EventKind.CLOSED,
                actor_kind=ActorKind.SYSTEM,
                automatic=True,
                from_state=State.RESOLVED,
                to_state=State.CLOSED,
                note=_("Closed without a rating %(n)d days after it was resolved.")
                % {"n": days or UNRATED_CLOSE_DAYS},
                at=now,
            )
            closed += 1
    return closed


# ---------------------------------------------------------------- from a visit


def request_from_visit(*, actor, visit, category: Category | None = None) -> Appeal:
    """Turn the needs a visit recorded into a request for its household, in one step.

    Asking twice (a double tap, a retried form) gives the same request: the visit keeps the
    link, and the request's idempotency key is derived from the visit.
    """
    from wangge.visits.services import visit_need_link

    if visit.need_request_id:
        existing = Appeal.objects.filter(pk=visit.need_request_id).first()
        if existing is not None:
            return existing
    if not (visit.needs or "").strip():
        raise DomainError(_("This visit recorded no needs to turn into a request."))
    with transaction.atomic():
        request = request_create(
            actor=actor,
            category=category,
            text=visit.needs,
            channel=Channel.VISIT,
            household=visit.household,
            idempotency_key=f"visit-{visit.pk}",
        )
        if visit.need_request_id != request.pk:
            visit_need_link(actor=actor, visit=visit, request_id=request.pk)
    return request
