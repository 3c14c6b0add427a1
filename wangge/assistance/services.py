"""Writes for assistance plans and their steps."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes
from wangge.assistance.models import (
    OUTCOME_TAGS,
    POLICY_OUTCOMES,
    Measure,
    Outcome,
    Plan,
    PlanSource,
    PlanStatus,
    PlanStep,
    StepStatus,
)
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError, DomainError
from wangge.households.services import household_tags_change
from wangge.regions.codes import village_of

# A due date this far before today is accepted (a record of past work) but the page warns.
FAR_PAST_DAYS = 30


def require_plan_write(user, area_code: str) -> None:
    if not any(area_code.startswith(p) for p in area_prefixes(user, REGISTRY_WRITERS)):
        raise PermissionDenied(_("Your role may read this plan but not change it."))


def _measures(values) -> list[str]:
    values = list(values or [])
    unknown = sorted(set(values) - set(Measure.values))
    if unknown:
        raise ValidationError(
            {
                "measures": _("Unknown measures: %(m)s; use %(ok)s.")
                % {"m": ", ".join(unknown), "ok": ", ".join(Measure.values)}
            }
        )
    return [m for m in Measure.values if m in values]


def _responsible(member, area_code: str):
    if member is not None and not area_code.startswith(
        village_of(member.area_code) or member.area_code
    ):
        raise ValidationError({"responsible": _("Choose a member of the household's own village.")})
    return member


def plan_opened_on(plan: Plan) -> datetime.date:
    return timezone.localdate(plan.created_at)


def plan_create(
    *,
    actor,
    household,
    flag=None,
    needs: str = "",
    measures=(),
    responsible=None,
    source: str = "",
    source_ref: int | None = None,
) -> Plan:
    """Open a plan for one need of the household: from an accepted flag, the household's page,
    a visit's needs or a resident's request (``source`` and the visit's or request's id)."""
    require_plan_write(actor, household.area_code)
    source = source or (PlanSource.FLAG if flag is not None else PlanSource.HOUSEHOLD)
    if source not in PlanSource.values:
        raise ValidationError({"source": _("Choose where the need was found.")})
    if source in (PlanSource.VISIT, PlanSource.REQUEST) and not source_ref:
        raise ValidationError({"source": _("Say which visit or request the need comes from.")})
    needs = (needs or "").strip()
    if not needs:
        raise ValidationError({"needs": _("Describe the household's need the plan answers.")})
    with transaction.atomic():
        if source_ref is not None:
            existing = Plan.objects.filter(
                household=household, source=source, source_ref=source_ref, status=PlanStatus.OPEN
            ).first()
            if existing is not None:
                raise DomainError(
                    _("This need already has an open plan (opened %(d)s); add steps to it.")
                    % {"d": plan_opened_on(existing)},
                    code="duplicate",
                )
        plan = Plan.objects.create(
            household=household,
            flag=flag,
            needs=needs,
            measures=_measures(measures),
            responsible=_responsible(responsible, household.area_code),
            area_code=household.area_code,
            township_code=household.township_code,
            created_by=actor,
            source=source,
            source_ref=source_ref if source in (PlanSource.VISIT, PlanSource.REQUEST) else None,
        )
        audit_record(
            actor=actor,
            action="assistance.plan_create",
            obj=plan,
            detail={"source": source, "source_ref": source_ref},
        )
    return plan


def _check_outcome(plan: Plan, outcome_kind: str) -> None:
    """A closing outcome must agree with the steps: help given means a step was done."""
    if outcome_kind not in Outcome.values:
        raise ValidationError({"outcome_kind": _("Choose the outcome the plan closes with.")})
    if outcome_kind == Outcome.NOT_NEEDED:
        return
    done = plan.steps.filter(status=StepStatus.DONE)
    if not done.exists():
        raise ValidationError(
            {
                "outcome_kind": _(
                    "No step of this plan is done, so it cannot close as “%(o)s”. Mark the steps "
                    "that were carried out as done, or close it as “%(none)s”."
                )
                % {"o": Outcome(outcome_kind).label, "none": Outcome.NOT_NEEDED.label}
            }
        )
    if outcome_kind in POLICY_OUTCOMES and not done.filter(measure=Measure.POLICY_AID).exists():
        raise ValidationError(
            {
                "outcome_kind": _(
                    "“%(o)s” is a policy decision: mark the policy-aid step (the application "
                    "approved) as done first."
                )
                % {"o": Outcome(outcome_kind).label}
            }
        )


def _apply_outcome_tags(*, actor, plan: Plan, outcome_kind: str) -> list[str]:
    add, remove = OUTCOME_TAGS.get(outcome_kind, ((), ()))
    if not add and not remove:
        return []
    return household_tags_change(
        actor=actor,
        household=plan.household,
        add=list(add),
        remove=list(remove),
        reason=_("Assistance plan closed: %(o)s") % {"o": Outcome(outcome_kind).label},
        source=f"assistance.plan:{plan.pk}",
    )


def plan_update(
    *,
    actor,
    plan: Plan,
    expected_version: int,
    needs: str,
    measures,
    responsible,
    status: str,
    outcome: str,
    outcome_kind: str = "",
) -> Plan:
    """Save the plan; closing it needs an outcome that agrees with the steps, and the
    household's tags then follow the outcome (in the same transaction)."""
    require_plan_write(actor, plan.area_code)
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    closing = status == PlanStatus.CLOSED and plan.status != PlanStatus.CLOSED
    if status == PlanStatus.CLOSED:
        _check_outcome(plan, outcome_kind or plan.outcome_kind)
    elif outcome_kind:
        raise ValidationError({"outcome_kind": _("Choose an outcome only when closing the plan.")})
    values = {
        "needs": (needs or "").strip(),
        "measures": _measures(measures),
        "responsible": _responsible(responsible, plan.area_code),
        "status": status,
        "outcome": (outcome or "").strip(),
        "outcome_kind": (outcome_kind or plan.outcome_kind) if status == PlanStatus.CLOSED else "",
        "closed_at": (plan.closed_at or timezone.now()) if status == PlanStatus.CLOSED else None,
    }
    if not values["needs"]:
        raise ValidationError({"needs": _("Describe the household's need the plan answers.")})
    with transaction.atomic():
        changed = Plan.objects.filter(pk=plan.pk, version=expected_version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not changed:
            raise ConflictError(
                _("Someone else changed this plan while you were editing; reload and try again.")
            )
        plan.refresh_from_db()
        tags = (
            _apply_outcome_tags(actor=actor, plan=plan, outcome_kind=plan.outcome_kind)
            if closing
            else []
        )
        audit_record(
            actor=actor,
            action="assistance.plan_update",
            obj=plan,
            detail={"status": status, "outcome": plan.outcome_kind, "tags": tags},
        )
    return plan


def plan_close(*, actor, plan: Plan, expected_version: int, outcome_kind: str, note: str = ""):
    """Close the plan with its outcome (the demo and the API's short way)."""
    return plan_update(
        actor=actor,
        plan=plan,
        expected_version=expected_version,
        needs=plan.needs,
        measures=plan.measures,
        responsible=plan.responsible,
        status=PlanStatus.CLOSED,
        outcome=note or plan.outcome,
        outcome_kind=outcome_kind,
    )


def step_due_far_past(step: PlanStep) -> bool:
    """Whether the step's due date lies well in the past (the page warns, the step is kept)."""
    today = timezone.localdate()
    return bool(step.due_date) and (today - step.due_date).days > FAR_PAST_DAYS


def step_add(
    *,
    actor,
    plan: Plan,
    title: str,
    measure: str = "",
    due_date: datetime.date | None = None,
    owner=None,
) -> PlanStep:
    """Add a step with its owner (default: the plan's responsible member) and due date."""
    require_plan_write(actor, plan.area_code)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the step.")})
    if measure and measure not in Measure.values:
        raise ValidationError({"measure": _("Choose one of the listed measures.")})
    if plan.status != PlanStatus.OPEN:
        raise ValidationError({"title": _("The plan is closed; reopen it to add steps.")})
    opened = plan_opened_on(plan)
    if due_date is not None and due_date < opened:
        raise ValidationError(
            {
                "due_date": _(
                    "The due date %(due)s is before the plan was opened (%(opened)s); "
                    "choose a date on or after %(opened)s."
                )
                % {"due": due_date.isoformat(), "opened": opened.isoformat()}
            }
        )
    owner = _responsible(owner, plan.area_code) if owner is not None else plan.responsible
    with transaction.atomic():
        step = PlanStep.objects.create(
            plan=plan, title=title[:200], measure=measure, due_date=due_date, owner=owner
        )
        audit_record(actor=actor, action="assistance.step_add", obj=step, area_code=plan.area_code)
    return step


def step_set_status(*, actor, step: PlanStep, status: str, note: str = "") -> PlanStep:
    require_plan_write(actor, step.plan.area_code)
    if status not in StepStatus.values:
        raise ValidationError({"status": _("Choose to do, done or cancelled.")})
    with transaction.atomic():
        step.status = status
        step.done_at = timezone.now() if status == StepStatus.DONE else None
        if note:
            step.note = note.strip()
        step.save(update_fields=["status", "done_at", "note"])
        audit_record(
            actor=actor,
            action="assistance.step_status",
            obj=step,
            area_code=step.plan.area_code,
            detail={"status": status},
        )
    return step
