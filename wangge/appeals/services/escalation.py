"""Escalation (上报) up the grid chain, and the background jobs on time limits: escalate what
is overdue, close what nobody rated."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.appeals.deadlines import accept_due, resolve_due
from wangge.appeals.models import OPEN_STATES, ActorKind, Appeal, EventKind, State
from wangge.appeals.services.records import _event, _notify_assignee
from wangge.appeals.services.routing import Route, _user_of, route_from_grid
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.grids.models import Grid

JOB_BATCH = 2000  # appeals a background run handles at most
UNRATED_CLOSE_DAYS = 7


def _next_level(appeal: Appeal) -> Route | None:
    grid = appeal.grid
    if grid is None or not grid.parent_id:
        return None
    parent = Grid.objects.select_related("responsible").get(pk=grid.parent_id)
    return route_from_grid(parent)


def _escalate(*, actor, appeal: Appeal, target: Route, reason: str, automatic: bool) -> Appeal:
    """Move the request up to ``target`` if it still sits where we read it."""
    now = timezone.now()
    if appeal.state == State.SUBMITTED:
        due = accept_due(appeal.category, now)
    else:
        due = resolve_due(appeal.category, now)
    changed = Appeal.objects.filter(
        pk=appeal.pk, grid_id=appeal.grid_id, state__in=OPEN_STATES, due_at=appeal.due_at
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
            % {"ticket": appeal.ticket},
            code="conflict",
        )
    appeal.refresh_from_db()
    _event(
        appeal,
        EventKind.ESCALATED,
        actor=actor,
        actor_kind=ActorKind.SYSTEM if automatic and actor is None else ActorKind.USER,
        note=reason,
        at=now,
        automatic=automatic,
        due_at=due,
        from_state=appeal.state,
        to_state=appeal.state,
    )
    audit_record(
        actor=actor,
        action="appeals.request_escalate",
        obj=appeal,
        detail={"level": appeal.level, "automatic": automatic},
    )
    _notify_assignee(
        appeal,
        _("Supervision notice: request %(ticket)s escalated to you (level %(level)s).")
        % {"ticket": appeal.ticket, "level": appeal.level or "-"},
        reason,
    )
    return appeal


def appeals_escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Escalate every open appeal past its deadline one level (idempotent: the deadline moves).

    At the top level a supervision notice is recorded once and the watch stops (``due_at``
    cleared); the original deadlines stay on the appeal and in the timeline for metrics.
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
    for appeal in list(overdue[:JOB_BATCH]):
        target = _next_level(appeal)
        try:
            with transaction.atomic():
                if target is not None:
                    _escalate(
                        actor=None,
                        appeal=appeal,
                        target=target,
                        reason=_("Time limit passed"),
                        automatic=True,
                    )
                else:
                    changed = Appeal.objects.filter(
                        pk=appeal.pk, due_at=appeal.due_at, state=appeal.state
                    ).update(due_at=None, updated_at=now)
                    if changed != 1:
                        continue
                    _event(
                        appeal,
                        EventKind.SUPERVISION,
                        actor_kind=ActorKind.SYSTEM,
                        automatic=True,
                        note=_("Time limit passed at the top level"),
                        due_at=appeal.due_at,
                        at=now,
                    )
                    _notify_assignee(
                        appeal,
                        _("Supervision notice: request %(ticket)s is past its time limit.")
                        % {"ticket": appeal.ticket},
                    )
                done += 1
        except DomainError:
            continue  # someone acted on it meanwhile; the next run sees the new state
    return done


def appeals_close_unrated(*, now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Close requests resolved ``days`` ago that nobody rated (one timeline row each)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days or UNRATED_CLOSE_DAYS)
    closed = 0
    stale = Appeal.objects.filter(state=State.RESOLVED, resolved_at__lte=cutoff).order_by("id")
    for appeal in list(stale[:JOB_BATCH]):
        with transaction.atomic():
            changed = Appeal.objects.filter(pk=appeal.pk, state=State.RESOLVED).update(
                state=State.CLOSED, closed_at=now, updated_at=now
            )
            if changed != 1:
                continue
            appeal.state = State.CLOSED
            _event(
                appeal,
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
