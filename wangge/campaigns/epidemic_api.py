"""JSON routes of the epidemic campaign: ``/campaigns/{id}/returnees`` to list and register,
scoped like the pages (an office role's area, a member's own grids)."""

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.campaigns.epidemic import (
    epidemic_campaign_for,
    grids_for,
    households_of,
    returnee_register,
    returnees_for,
)
from wangge.campaigns.models import ReturneeChannel, RiskLevel
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
