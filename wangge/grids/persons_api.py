"""JSON routes for people who serve: the scoped list, one person, a new person."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import visible
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page, area_for_write
from wangge.grids.selectors import person_for_user, person_list
from wangge.grids.services import person_create
from wangge.households.models import Household
from wangge.party.models import Member

router = Router(tags=["persons"])


class PersonOut(Schema):
    id: int
    name: str
    phone_masked: str
    area_code: str
    member_id: int | None
    household_id: int | None
    version: int
    created_at: datetime.datetime


class PersonQuery(Schema):
    area_code: str = Field("", pattern=r"^\d{0,18}$")


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    area_code: str = Field(..., pattern=r"^\d{9,18}$")
    phone: str = Field("", max_length=30)
    member_id: int | None = Field(None, ge=1, le=MAX_ID)
    household_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("", response={200: list[PersonOut], **READ_ERRORS})
@paginate(Page)
def persons_index(request, query: Query[PersonQuery]):
    return person_list(request.user, area_code=query.area_code)


@router.get("/{int:person_id}", response={200: PersonOut, **READ_ERRORS})
def persons_detail(request, person_id: int):
    return person_for_user(request.user, person_id)


@router.post("", response={201: PersonOut, **WRITE_ERRORS})
def persons_add(request, payload: PersonIn):
    area = area_for_write(request.user, payload.area_code)
    member = household = None
    if payload.member_id:
        member = visible(Member.objects.all(), request.user).filter(pk=payload.member_id).first()
        if member is None:
            raise ValidationError({"member_id": _("No member with this number in your area.")})
    if payload.household_id:
        household = (
            visible(Household.objects.all(), request.user).filter(pk=payload.household_id).first()
        )
        if household is None:
            raise ValidationError(
                {"household_id": _("No household with this number in your area.")}
            )
    person = person_create(
        actor=request.user,
        name=payload.name.replace("\x00", ""),
        area=area,
        phone=payload.phone.replace("\x00", ""),
        member=member,
        household=household,
    )
    return Status(201, person)
