"""Writes for assistance plans and their steps."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes
from wangge.assistance.models import Measure, Plan, PlanStatus, PlanStep, StepStatus
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError
from wangge.regions.codes import village_of


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


def plan_create(
    *, actor, household, flag=None, needs: str = "", measures=(), responsible=None
) -> Plan:
    require_plan_write(actor, household.area_code)
    with transaction.atomic():
        plan = Plan.objects.create(
            household=household,
            flag=flag,
            needs=(needs or "").strip(),
            measures=_measures(measures),
            responsible=_responsible(responsible, household.area_code),
            area_code=household.area_code,
            township_code=household.township_code,
            created_by=actor,
        )
        audit_record(actor=actor, action="assistance.plan_create", obj=plan)
    return plan


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
) -> Plan:
    require_plan_write(actor, plan.area_code)
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose open or closed.")})
    if status == PlanStatus.CLOSED and not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe the outcome before closing the plan.")})
    values = {
        "needs": (needs or "").strip(),
        "measures": _measures(measures),
        "responsible": _responsible(responsible, plan.area_code),
        "status": status,
        "outcome": (outcome or "").strip(),
    }
    with transaction.atomic():
        changed = Plan.objects.filter(pk=plan.pk, version=expected_version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not changed:
            raise ConflictError(
                _("Someone else changed this plan while you were editing; reload and try again.")
            )
        plan.refresh_from_db()
        audit_record(actor=actor, action="assistance.plan_update", obj=plan)
    return plan


def step_add(
    *, actor, plan: Plan, title: str, measure: str = "", due_date: datetime.date | None = None
) -> PlanStep:
    require_plan_write(actor, plan.area_code)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the step.")})
    if measure and measure not in Measure.values:
        raise ValidationError({"measure": _("Choose one of the listed measures.")})
    with transaction.atomic():
        step = PlanStep.objects.create(
            plan=plan, title=title[:200], measure=measure, due_date=due_date
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
