"""JSON routes for councils: the scoped list, one council's roster, seats added and removed."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import prefix_q, visible
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.grids.councils import (
    council_for_user,
    council_list,
    council_seats,
    seat_add,
    seat_remove,
)
from wangge.grids.models import Person
from wangge.party.models import Member
from wangge.regions.codes import village_of

router = Router(tags=["councils"])


class CouncilOut(Schema):
    id: int
    name: str
    area_code: str
    seat_count: int


class CouncilQuery(Schema):
    area_code: str = Field("", pattern=r"^\d{0,18}$")


class SeatOut(Schema):
    id: int
    role: str
    name: str
    person_id: int | None
    member_id: int | None


class SeatIn(Schema):
    role: str = Field(..., max_length=30)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    member_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("", response={200: list[CouncilOut], **READ_ERRORS})
@paginate(Page)
def councils_index(request, query: Query[CouncilQuery]):
    return council_list(request.user, area_code=query.area_code)


@router.get("/{int:council_id}", response={200: CouncilOut, **READ_ERRORS})
def councils_detail(request, council_id: int):
    return council_for_user(request.user, council_id)


@router.get("/{int:council_id}/seats", response={200: list[SeatOut], **READ_ERRORS})
@paginate(Page)
def seats_index(request, council_id: int):
    return list(council_seats(council_for_user(request.user, council_id)))


@router.post("/{int:council_id}/seats", response={201: SeatOut, **WRITE_ERRORS})
def seats_add(request, council_id: int, payload: SeatIn):
    council = council_for_user(request.user, council_id)
    where = prefix_q("area_code", village_of(council.area_code) or council.area_code)
    person = member = None
    if payload.person_id:
        person = visible(Person.objects.all(), request.user).filter(where, pk=payload.person_id)
        person = person.first()
        if person is None:
            raise ValidationError(
                {"person_id": _("No person with this number in the council's village.")}
            )
    if payload.member_id:
        member = visible(Member.objects.all(), request.user).filter(where, pk=payload.member_id)
        member = member.first()
        if member is None:
            raise ValidationError(
                {"member_id": _("No member with this number in the council's village.")}
            )
    seat = seat_add(
        actor=request.user,
        council=council,
        role=payload.role.replace("\x00", ""),
        person=person,
        member=member,
    )
    return Status(201, seat)


@router.delete("/{int:council_id}/seats/{int:seat_id}", response={204: None, **WRITE_ERRORS})
def seats_remove(request, council_id: int, seat_id: int):
    seat_remove(
        actor=request.user, council=council_for_user(request.user, council_id), seat_id=seat_id
    )
    return Status(204, None)
