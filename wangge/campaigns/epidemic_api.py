"""JSON routes of the epidemic campaign: ``/campaigns/{id}/returnees``, ``/tests``,
``/quarantines`` and ``/followups`` to list and record, scoped like the pages (an office role's
area, a member's own grids); phones only masked."""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.campaigns.epidemic import (
    epidemic_campaign_for,
    follow_up_record,
    follow_ups_for,
    grids_for,
    households_of,
    lab_result_record,
    lab_results_for,
    quarantine_start,
    quarantines_for,
    returnee_register,
    returnees_for,
)
from wangge.campaigns.models import LabOutcome, QuarantineKind, ReturneeChannel, RiskLevel
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page

epidemic_router = Router(tags=["campaigns"])


class ReturneeOut(Schema):
    id: int
    campaign_id: int
    grid_id: int
    name: str
    phone_masked: str
    origin: str
    risk: RiskLevel
    arrived_on: datetime.date
    household_id: int | None
    channel: ReturneeChannel
    area_code: str
    created_at: datetime.datetime


class ReturneeIn(Schema):
    grid_id: int = Field(..., ge=1, le=MAX_ID)
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    origin: str = Field(..., max_length=100)
    risk: RiskLevel
    arrived_on: datetime.date
    household_id: int | None = Field(None, ge=1, le=MAX_ID)


class ReturneeQuery(Schema):
    grid_id: int | None = Field(None, ge=1, le=MAX_ID)
    arrived_on: datetime.date | None = None


@epidemic_router.get(
    "/{int:campaign_id}/returnees", response={200: list[ReturneeOut], **READ_ERRORS}
)
@paginate(Page)
def returnees_index(request, campaign_id: int, query: Query[ReturneeQuery]):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    returnees = returnees_for(request.user, campaign)
    if query.grid_id:
        returnees = returnees.filter(grid_id=query.grid_id)
    if query.arrived_on:
        returnees = returnees.filter(arrived_on=query.arrived_on)
    return returnees.order_by("-arrived_on", "-id")


@epidemic_router.post("/{int:campaign_id}/returnees", response={201: ReturneeOut, **WRITE_ERRORS})
def returnees_add(request, campaign_id: int, payload: ReturneeIn):
    """Register a returnee in a grid of the campaign; a grid outside the caller's scope
    answers 404, as a missing one."""
    campaign = epidemic_campaign_for(request.user, campaign_id)
    grid = grids_for(request.user, campaign).filter(pk=payload.grid_id).first()
    if grid is None:
        grid = grids_for(request.user, campaign, write=True).filter(pk=payload.grid_id).first()
    if grid is None:
        raise Http404
    household = None
    if payload.household_id:
        household = households_of(grid).filter(pk=payload.household_id).first()
        if household is None:
            raise Http404
    returnee = returnee_register(
        actor=request.user,
        campaign=campaign,
        grid=grid,
        name=payload.name.replace("\x00", ""),
        phone=payload.phone.replace("\x00", ""),
        origin=payload.origin.replace("\x00", ""),
        risk=payload.risk,
        arrived_on=payload.arrived_on,
        household=household,
    )
    return Status(201, returnee)


# --- tests, quarantines and follow-ups ------------------------------------------------------


class LabResultOut(Schema):
    id: int
    returnee_id: int
    returnee_name: str
    returnee_phone_masked: str
    grid_id: int
    tested_on: datetime.date
    result: LabOutcome
    created_at: datetime.datetime

    @staticmethod
    def resolve_returnee_name(obj) -> str:
        return obj.returnee.name

    @staticmethod
    def resolve_returnee_phone_masked(obj) -> str:
        return obj.returnee.phone_masked

    @staticmethod
    def resolve_grid_id(obj) -> int:
        return obj.returnee.grid_id


class LabResultIn(Schema):
    returnee_id: int = Field(..., ge=1, le=MAX_ID)
    tested_on: datetime.date
    result: LabOutcome


class LabResultQuery(Schema):
    returnee_id: int | None = Field(None, ge=1, le=MAX_ID)
    grid_id: int | None = Field(None, ge=1, le=MAX_ID)
    result: LabOutcome | None = None
    tested_on: datetime.date | None = None


class QuarantineOut(Schema):
    id: int
    returnee_id: int
    returnee_name: str
    returnee_phone_masked: str
    grid_id: int
    kind: QuarantineKind
    starts_on: datetime.date
    ends_on: datetime.date
    created_at: datetime.datetime

    resolve_returnee_name = staticmethod(LabResultOut.resolve_returnee_name)
    resolve_returnee_phone_masked = staticmethod(LabResultOut.resolve_returnee_phone_masked)
    resolve_grid_id = staticmethod(LabResultOut.resolve_grid_id)


class QuarantineIn(Schema):
    returnee_id: int = Field(..., ge=1, le=MAX_ID)
    kind: QuarantineKind = QuarantineKind.HOME
    starts_on: datetime.date
    ends_on: datetime.date


class QuarantineQuery(Schema):
    returnee_id: int | None = Field(None, ge=1, le=MAX_ID)
    grid_id: int | None = Field(None, ge=1, le=MAX_ID)
    active_on: datetime.date | None = Field(None, description="Running on this day.")


class FollowUpOut(Schema):
    id: int
    quarantine_id: int
    returnee_id: int
    returnee_name: str
    grid_id: int
    day: datetime.date
    temperature: Decimal | None
    condition: str
    member_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_returnee_id(obj) -> int:
        return obj.quarantine.returnee_id

    @staticmethod
    def resolve_returnee_name(obj) -> str:
        return obj.quarantine.returnee.name

    @staticmethod
    def resolve_grid_id(obj) -> int:
        return obj.quarantine.returnee.grid_id


class FollowUpIn(Schema):
    quarantine_id: int = Field(..., ge=1, le=MAX_ID)
    day: datetime.date
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    condition: str = Field("", max_length=200)


class FollowUpQuery(Schema):
    quarantine_id: int | None = Field(None, ge=1, le=MAX_ID)
    grid_id: int | None = Field(None, ge=1, le=MAX_ID)
    day: datetime.date | None = None


def _returnee(request, campaign, pk: int):
    """A returnee the caller records for (404 for any other, as for a missing one)."""
    returnee = returnees_for(request.user, campaign).filter(pk=pk).first()
    if returnee is None:
        raise Http404
    return returnee


@epidemic_router.get("/{int:campaign_id}/tests", response={200: list[LabResultOut], **READ_ERRORS})
@paginate(Page)
def tests_index(request, campaign_id: int, query: Query[LabResultQuery]):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    rows = lab_results_for(request.user, campaign)
    if query.returnee_id:
        rows = rows.filter(returnee_id=query.returnee_id)
    if query.grid_id:
        rows = rows.filter(returnee__grid_id=query.grid_id)
    if query.result:
        rows = rows.filter(result=query.result)
    if query.tested_on:
        rows = rows.filter(tested_on=query.tested_on)
    return rows.order_by("-tested_on", "-id")


@epidemic_router.post("/{int:campaign_id}/tests", response={201: LabResultOut, **WRITE_ERRORS})
def tests_add(request, campaign_id: int, payload: LabResultIn):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    result = lab_result_record(
        actor=request.user,
        returnee=_returnee(request, campaign, payload.returnee_id),
        tested_on=payload.tested_on,
        result=payload.result,
    )
    return Status(201, result)


@epidemic_router.get(
    "/{int:campaign_id}/quarantines", response={200: list[QuarantineOut], **READ_ERRORS}
)
@paginate(Page)
def quarantines_index(request, campaign_id: int, query: Query[QuarantineQuery]):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    rows = quarantines_for(request.user, campaign)
    if query.returnee_id:
        rows = rows.filter(returnee_id=query.returnee_id)
    if query.grid_id:
        rows = rows.filter(returnee__grid_id=query.grid_id)
    if query.active_on:
        rows = rows.filter(starts_on__lte=query.active_on, ends_on__gte=query.active_on)
    return rows.order_by("-starts_on", "-id")


@epidemic_router.post(
    "/{int:campaign_id}/quarantines", response={201: QuarantineOut, **WRITE_ERRORS}
)
def quarantines_add(request, campaign_id: int, payload: QuarantineIn):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    quarantine = quarantine_start(
        actor=request.user,
        returnee=_returnee(request, campaign, payload.returnee_id),
        kind=payload.kind,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, quarantine)


@epidemic_router.get(
    "/{int:campaign_id}/followups", response={200: list[FollowUpOut], **READ_ERRORS}
)
@paginate(Page)
def followups_index(request, campaign_id: int, query: Query[FollowUpQuery]):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    rows = follow_ups_for(request.user, campaign)
    if query.quarantine_id:
        rows = rows.filter(quarantine_id=query.quarantine_id)
    if query.grid_id:
        rows = rows.filter(quarantine__returnee__grid_id=query.grid_id)
    if query.day:
        rows = rows.filter(day=query.day)
    return rows.order_by("-day", "-id")


@epidemic_router.post("/{int:campaign_id}/followups", response={201: FollowUpOut, **WRITE_ERRORS})
def followups_add(request, campaign_id: int, payload: FollowUpIn):
    campaign = epidemic_campaign_for(request.user, campaign_id)
    quarantine = quarantines_for(request.user, campaign).filter(pk=payload.quarantine_id).first()
    if quarantine is None:
        raise Http404
    follow_up = follow_up_record(
        actor=request.user,
        quarantine=quarantine,
        day=payload.day,
        temperature="" if payload.temperature is None else str(payload.temperature),
        condition=payload.condition.replace("\x00", ""),
    )
    return Status(201, follow_up)
