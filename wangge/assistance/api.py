"""JSON routes for assistance plans and their steps; scoped like the pages."""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.assistance.models import Measure, Outcome, PlanSource, PlanStatus, StepStatus
from wangge.assistance.selectors import members_for_plan, plan_for_user, plan_list, step_for_user
from wangge.assistance.services import plan_update, step_add, step_set_status
from wangge.core.api_helpers import READ_ERRORS, WRITE_ERRORS, Page

router = Router(tags=["assistance"])


class StepOut(Schema):
    id: int
    title: str
    measure: str
    due_date: datetime.date | None
    status: StepStatus
    done_at: datetime.datetime | None
    note: str
    owner_id: int | None


class PlanOut(Schema):
    id: int
    household_id: int
    flag_id: int | None
    needs: str
    measures: list[str]
    responsible_id: int | None
    status: PlanStatus
    outcome: str
    outcome_kind: str
    source: PlanSource
    closed_at: datetime.datetime | None
    area_code: str
    version: int


class PlanDetailOut(PlanOut):
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class PlanQuery(Schema):
    status: PlanStatus | None = None
    outcome: Outcome | None = None


class PlanPatch(Schema):
    version: int = Field(..., ge=0, le=2**31 - 1)
    needs: str | None = Field(None, max_length=5000)
    measures: list[Measure] | None = None
    responsible_id: int | None = Field(None, ge=1, le=2**63 - 1)
    status: PlanStatus | None = None
    outcome: str | None = Field(None, max_length=5000)
    outcome_kind: Outcome | None = None


class StepIn(Schema):
    title: str = Field(..., max_length=200)
    measure: Measure | None = None
    due_date: datetime.date | None = None


class StepStatusIn(Schema):
    status: StepStatus
    note: str = Field("", max_length=2000)


def _clean(text: str | None) -> str | None:
    return None if text is None else text.replace("\x00", "")


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS})
@paginate(Page)
def plans_index(request, query: Query[PlanQuery]):
    return plan_list(request.user, status=query.status or "", outcome=query.outcome or "")


@router.get("/plans/{int:plan_id}", response={200: PlanDetailOut, **READ_ERRORS})
def plans_detail(request, plan_id: int):
    return plan_for_user(request.user, plan_id)


@router.patch("/plans/{int:plan_id}", response={200: PlanDetailOut, **WRITE_ERRORS})
def plans_change(request, plan_id: int, payload: PlanPatch):
    plan = plan_for_user(request.user, plan_id)
    changes = payload.dict(exclude_unset=True)
    responsible = plan.responsible
    if "responsible_id" in changes:
        responsible = (
            members_for_plan(request.user, plan).filter(pk=changes["responsible_id"]).first()
            if changes["responsible_id"]
            else None
        )
    return plan_update(
        actor=request.user,
        plan=plan,
        expected_version=payload.version,
        needs=_clean(changes.get("needs", plan.needs)),
        measures=changes.get("measures", plan.measures),
        responsible=responsible,
        status=changes.get("status") or plan.status,
        outcome=_clean(changes.get("outcome", plan.outcome)),
        outcome_kind=changes.get("outcome_kind") or "",
    )


@router.post("/plans/{int:plan_id}/steps", response={201: StepOut, **WRITE_ERRORS})
def plans_step_add(request, plan_id: int, payload: StepIn):
    plan = plan_for_user(request.user, plan_id)
    step = step_add(
        actor=request.user,
        plan=plan,
        title=_clean(payload.title),
        measure=payload.measure or "",
        due_date=payload.due_date,
    )
    return Status(201, step)


@router.post("/steps/{int:step_id}/status", response={200: StepOut, **WRITE_ERRORS})
def steps_status(request, step_id: int, payload: StepStatusIn):
    step = step_for_user(request.user, step_id)
    return step_set_status(
        actor=request.user, step=step, status=payload.status, note=_clean(payload.note)
    )
