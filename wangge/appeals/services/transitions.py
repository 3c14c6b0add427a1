"""The state machine: one table of what can be done to an appeal (``ACTIONS``), the conditional
update every step goes through (``_transition``), and the steps themselves.

Pages, the API and the services read ``ACTIONS``: the states an action is allowed from, the
service that does it and who may do it. Every step is a conditional update
(``filter(pk=…, state=…).update(...)``) checked by its row count, so when two people act at
once exactly one wins and the other gets a plain reason; every step writes one timeline row
and one audit row in the same transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.appeals.deadlines import resolve_due
from wangge.appeals.models import (
    OPEN_STATES,
    ActorKind,
    Appeal,
    AppealEvent,
    EventKind,
    Rating,
    State,
)
from wangge.appeals.services.escalation import _escalate, _next_level
from wangge.appeals.services.permissions import can_handle, did_the_work, require_independent
from wangge.appeals.services.records import _event, _notify_assignee, _notify_resident
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError

# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Action:
    """One thing that can be done to an appeal.

    ``allowed``: the states it may start from. ``service``: the function that does it (called
    with ``actor``, ``appeal``, the note under ``note_as``, and ``rating`` when ``rated``);
    None for a step only another step takes (reopening). Who may do it: the assignee or the
    village and township handlers over the appeal's area; in the ``independent_in`` states not
    the person who did the work; with ``resident`` also the resident, without an account, once
    the ticket and phone matched. ``verb`` completes "Cannot … request X"; ``done`` is what the
    page says afterwards.
    """

    allowed: tuple[str, ...]
    service: Callable[..., object] | None
    verb: Promise
    done: Promise | None = None
    independent_in: tuple[str, ...] = ()
    resident: bool = False
    note_as: str = "note"
    rated: bool = False


def require_may(actor, appeal: Appeal, action: str) -> None:
    """Raise PermissionDenied unless ``actor`` (None: the resident) may do ``action``."""
    step = ACTIONS[action]
    if actor is None and step.resident:
        return
    if actor is None or not can_handle(actor, appeal):
        raise PermissionDenied(
            _("Only the person responsible or the village and township staff can act on it.")
        )
    if appeal.state in step.independent_in:
        require_independent(actor, appeal)


def actions_for(user, appeal: Appeal) -> list[str]:
    """The actions ``user`` may take on ``appeal`` now, in the table's order."""
    if not can_handle(user, appeal):
        return []
    independent = None  # read once, only when an action needs it
    names = []
    for name, step in ACTIONS.items():
        if step.service is None or appeal.state not in step.allowed:
            continue
        if appeal.state in step.independent_in:
            if independent is None:
                independent = not did_the_work(user, appeal)
            if not independent:
                continue
        names.append(name)
    return names


def appeal_act(*, actor, appeal: Appeal, action: str, note: str = "", rating: str = ""):
    """Do ``action`` (a name in ``ACTIONS``) through its service."""
    step = ACTIONS.get(action)
    if step is None or step.service is None:
        raise ValidationError({"action": _("Unknown action.")})
    kwargs = {"actor": actor, "appeal": appeal, step.note_as: note}
    if step.rated:
        kwargs["rating"] = rating
    return step.service(**kwargs)


# ---------------------------------------------------------------- the conditional update


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


def _refused(appeal: Appeal, action: str) -> DomainError:
    message = _("Cannot %(action)s request %(ticket)s: it is now “%(state)s”.") % {
        "action": ACTIONS[action].verb,
        "ticket": appeal.ticket,
        "state": appeal.get_state_display(),
    }
    return DomainError(f"{message} {_next_step_hint(appeal.state)}".strip(), code="invalid_state")


def _transition(
    *,
    actor,
    appeal: Appeal,
    action: str,
    kind: str,
    to_state: str,
    note: str = "",
    actor_kind: str = ActorKind.USER,
    updates: dict | None = None,
    event_fields: dict | None = None,
) -> Appeal:
    """Move ``appeal`` from one of ``action``'s allowed states to ``to_state`` if nobody moved
    it first."""
    current = Appeal.objects.filter(pk=appeal.pk).values_list("state", flat=True).first()
    if current not in ACTIONS[action].allowed:
        appeal.state = current or appeal.state
        raise _refused(appeal, action)
    now = timezone.now()
    updates = dict(updates or {})
    with transaction.atomic():
        changed = Appeal.objects.filter(pk=appeal.pk, state=current).update(
            state=to_state, updated_at=now, **updates
        )
        if changed != 1:
            appeal.refresh_from_db(fields=["state"])
            raise DomainError(
                _(
                    "Someone else acted on request %(ticket)s at the same moment; "
                    "it is now “%(state)s”."
                )
                % {"ticket": appeal.ticket, "state": appeal.get_state_display()},
                code="conflict",
            )
        appeal.refresh_from_db()
        _event(
            appeal,
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
            obj=appeal,
            detail={"from": current, "to": to_state},
        )
    return appeal


# ---------------------------------------------------------------- the steps


def appeal_accept(*, actor, appeal: Appeal, note: str = "") -> Appeal:
    require_may(actor, appeal, "accept")
    updates = {"accepted_at": timezone.now(), "due_at": appeal.resolve_due_at}
    # 首接负责: whoever accepts is responsible from now on (when it was not already theirs).
    if actor.member_id and appeal.assignee_member_id != actor.member_id:
        updates["assignee_member_id"] = actor.member_id
    updates["assignee_user_id"] = actor.pk
    appeal = _transition(
        actor=actor,
        appeal=appeal,
        action="accept",
        kind=EventKind.ACCEPTED,
        to_state=State.ACCEPTED,
        note=note.strip(),
        updates=updates,
        event_fields={"due_at": appeal.resolve_due_at},
    )
    _notify_resident(
        appeal,
        _("Your request %(ticket)s has been accepted by %(name)s.")
        % {"ticket": appeal.ticket, "name": actor},
    )
    return appeal


def appeal_start(*, actor, appeal: Appeal, note: str = "") -> Appeal:
    require_may(actor, appeal, "start")
    return _transition(
        actor=actor,
        appeal=appeal,
        action="start",
        kind=EventKind.STARTED,
        to_state=State.IN_PROGRESS,
        note=note.strip(),
    )


def appeal_resolve(*, actor, appeal: Appeal, note: str) -> Appeal:
    require_may(actor, appeal, "resolve")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done, so the resident can judge it.")})
    appeal = _transition(
        actor=actor,
        appeal=appeal,
        action="resolve",
        kind=EventKind.RESOLVED,
        to_state=State.RESOLVED,
        note=note,
        updates={"resolved_at": timezone.now(), "due_at": None},
        event_fields={"due_at": appeal.resolve_due_at},
    )
    _notify_resident(
        appeal,
        _("Your request %(ticket)s is resolved. Please rate the result on the tracking page.")
        % {"ticket": appeal.ticket},
    )
    return appeal


def appeal_rate(*, actor, appeal: Appeal, rating: str, note: str = "") -> Appeal:
    """A rating from the resident (``actor`` None, after ticket + phone) or recorded by staff.

    An unsatisfied rating reopens the appeal once and escalates it one level.
    """
    if rating not in Rating.values:
        raise ValidationError(
            {"rating": _("Choose satisfied, basically satisfied or unsatisfied.")}
        )
    require_may(actor, appeal, "rate")
    actor_kind = ActorKind.RESIDENT if actor is None else ActorKind.USER
    now = timezone.now()
    with transaction.atomic():
        appeal = _transition(
            actor=actor,
            appeal=appeal,
            action="rate",
            kind=EventKind.RATED,
            to_state=State.RATED,
            note=(note or "").strip()[:500],
            actor_kind=actor_kind,
            updates={"rating": rating, "rated_at": now},
            event_fields={"rating": rating},
        )
        if rating == Rating.UNSATISFIED and appeal.reopen_count == 0:
            appeal = _reopen(actor=actor, appeal=appeal, actor_kind=actor_kind)
    return appeal


def _reopen(*, actor, appeal: Appeal, actor_kind: str) -> Appeal:
    now = timezone.now()
    due = resolve_due(appeal.category, now)
    appeal = _transition(
        actor=actor,
        appeal=appeal,
        action="reopen",
        kind=EventKind.REOPENED,
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
    target = _next_level(appeal)
    if target is not None:
        appeal = _escalate(
            actor=actor,
            appeal=appeal,
            target=target,
            reason=_("Unsatisfied rating"),
            automatic=actor is None,
        )
    else:
        _notify_assignee(
            appeal,
            _("Request %(ticket)s reopened: the resident was not satisfied.")
            % {"ticket": appeal.ticket},
        )
    return appeal


def appeal_close(*, actor, appeal: Appeal, note: str = "") -> Appeal:
    require_may(actor, appeal, "close")
    return _transition(
        actor=actor,
        appeal=appeal,
        action="close",
        kind=EventKind.CLOSED,
        to_state=State.CLOSED,
        note=(note or "").strip(),
        updates={"closed_at": timezone.now(), "due_at": None},
    )


def appeal_escalate(*, actor, appeal: Appeal, reason: str) -> Appeal:
    """Escalate by hand (上报) one level up, with a reason."""
    require_may(actor, appeal, "escalate")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it needs the next level.")})
    if appeal.state not in ACTIONS["escalate"].allowed:
        raise _refused(appeal, "escalate")
    target = _next_level(appeal)
    if target is None:
        raise DomainError(
            _("Request %(ticket)s is already at the top level of its grid; nobody to escalate to.")
            % {"ticket": appeal.ticket},
            code="top_level",
        )
    with transaction.atomic():
        return _escalate(actor=actor, appeal=appeal, target=target, reason=reason, automatic=False)


def appeal_add_note(*, actor, appeal: Appeal, note: str) -> AppealEvent:
    require_may(actor, appeal, "note")
    if appeal.state not in ACTIONS["note"].allowed:
        raise _refused(appeal, "note")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the note first.")})
    with transaction.atomic():
        event = _event(appeal, EventKind.NOTE, actor=actor, note=note[:2000])
    return event


ACTIONS: dict[str, Action] = {
    "accept": Action(
        allowed=(State.SUBMITTED,),
        service=appeal_accept,
        verb=gettext_lazy("accept"),
        done=gettext_lazy("Accepted: you are now responsible for it."),
    ),
    "start": Action(
        allowed=(State.ACCEPTED,),
        service=appeal_start,
        verb=gettext_lazy("start work on"),
        done=gettext_lazy("Marked as in progress."),
    ),
    "resolve": Action(
        allowed=(State.ACCEPTED, State.IN_PROGRESS),
        service=appeal_resolve,
        verb=gettext_lazy("resolve"),
        done=gettext_lazy("Marked as resolved; the resident is asked to rate it."),
    ),
    "escalate": Action(
        allowed=OPEN_STATES,
        service=appeal_escalate,
        verb=gettext_lazy("escalate"),
        done=gettext_lazy("Escalated to the next level."),
        note_as="reason",
    ),
    # The resident rates it on the tracking page; other staff may record the resident's answer.
    "rate": Action(
        allowed=(State.RESOLVED,),
        service=appeal_rate,
        verb=gettext_lazy("rate"),
        done=gettext_lazy("Rating recorded."),
        independent_in=(State.RESOLVED,),
        resident=True,
        rated=True,
    ),
    "reopen": Action(allowed=(State.RATED,), service=None, verb=gettext_lazy("reopen")),
    "close": Action(
        allowed=(State.RESOLVED, State.RATED),
        service=appeal_close,
        verb=gettext_lazy("close"),
        done=gettext_lazy("Closed."),
        independent_in=(State.RESOLVED,),
    ),
    # A closed appeal takes no more notes (its page offers no form).
    "note": Action(
        allowed=(State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS, State.RESOLVED, State.RATED),
        service=appeal_add_note,
        verb=gettext_lazy("add a note to"),
        done=gettext_lazy("Note added."),
    ),
}
