"""JSON routes for pairings and the optimiser's proposals; scoped like the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import can_see_area
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.pairing.models import PairingSource, ProposalStatus
from wangge.pairing.selectors import (
    household_for_user,
    member_for_user,
    pairing_for_user,
    pairing_list,
    proposal_for_user,
)
from wangge.pairing.services import (
    end_reason_text,
    pairing_create,
    pairing_end,
    proposal_apply,
    proposal_create,
)

router = Router(tags=["pairing"])


class PairingOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(..., alias="member.name")
    household_id: int
    household_head: str = Field(..., alias="household.head_name")
    area_code: str
    started_on: datetime.date
    ended_on: datetime.date | None
    source: PairingSource
    end_reason: str


class PairingQuery(Schema):
    member_id: int | None = Field(None, ge=1, le=MAX_ID)
    household_id: int | None = Field(None, ge=1, le=MAX_ID)
    area_code: str = Field("", max_length=18, pattern=r"^\d*$")
    active: bool | None = True


class PairingIn(Schema):
    member_id: int = Field(..., ge=1, le=MAX_ID)
    household_id: int = Field(..., ge=1, le=MAX_ID)


class EndIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class ProposeIn(Schema):
    area_code: str = Field(..., min_length=9, max_length=12, pattern=r"^\d+$")


class AddOut(Schema):
    member_id: int
    household_id: int


class EndOut(Schema):
    pairing_id: int
    reason: str


class ShortfallOut(Schema):
    village: str
    name: str
    key_households: int
    capacity: int
    uncovered: int


class ProposalOut(Schema):
    id: int
    area_code: str
    status: ProposalStatus
    adds: int
    ends: int
    keeps: int
    uncovered: int
    cost: int
    created_at: datetime.datetime
    applied_at: datetime.datetime | None
    add: list[AddOut]
    end: list[EndOut]
    keep: list[int]
    uncovered_households: list[int]
    shortfalls: list[ShortfallOut]

    @staticmethod
    def resolve_add(obj):
        return [{"member_id": m, "household_id": h} for m, h in obj.plan.get("add", [])]

    @staticmethod
    def resolve_end(obj):
        return [{"pairing_id": p, "reason": end_reason_text(c)} for p, c in obj.plan.get("end", [])]

    @staticmethod
    def resolve_keep(obj):
        return obj.plan.get("keep", [])

    @staticmethod
    def resolve_uncovered_households(obj):
        return obj.plan.get("uncovered", [])

    @staticmethod
    def resolve_shortfalls(obj):
        return obj.plan.get("shortfalls", [])


def _clean(text: str) -> str:
    return text.replace("\x00", "")


@router.get("", response={200: list[PairingOut], **READ_ERRORS})
@paginate(Page)
def pairings_index(request, query: Query[PairingQuery]):
    return pairing_list(
        request.user,
        member_id=query.member_id,
        household_id=query.household_id,
        area_code=query.area_code,
        active=query.active,
    )


@router.get("/{int:pairing_id}", response={200: PairingOut, **READ_ERRORS})
def pairings_detail(request, pairing_id: int):
    return pairing_for_user(request.user, pairing_id)


@router.post("", response={201: PairingOut, **WRITE_ERRORS})
def pairings_create(request, payload: PairingIn):
    try:
        household = household_for_user(request.user, payload.household_id)
        member = member_for_user(request.user, payload.member_id)
    except Http404 as exc:
        raise ValidationError(_("No such member or household in your scope.")) from exc
    return Status(201, pairing_create(actor=request.user, member=member, household=household))


@router.post("/{int:pairing_id}/end", response={200: PairingOut, **WRITE_ERRORS})
def pairings_end(request, pairing_id: int, payload: EndIn):
    pairing = pairing_for_user(request.user, pairing_id)
    return pairing_end(actor=request.user, pairing=pairing, reason=_clean(payload.reason))


@router.post("/proposals", response={201: ProposalOut, **WRITE_ERRORS})
def proposals_create(request, payload: ProposeIn):
    if not can_see_area(request.user, payload.area_code):
        raise ValidationError({"area_code": _("No village or township with this code in scope.")})
    return Status(201, proposal_create(actor=request.user, area_code=payload.area_code))


@router.get("/proposals/{int:proposal_id}", response={200: ProposalOut, **READ_ERRORS})
def proposals_detail(request, proposal_id: int):
    return proposal_for_user(request.user, proposal_id)


@router.post("/proposals/{int:proposal_id}/apply", response={200: ProposalOut, **WRITE_ERRORS})
def proposals_apply(request, proposal_id: int):
    proposal = proposal_for_user(request.user, proposal_id)
    return proposal_apply(actor=request.user, proposal=proposal)
