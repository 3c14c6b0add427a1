"""JSON routes for a grid's roster: list, add a member or a person with a duty, take one off."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import prefix_q, visible
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.grids.models import Person
from wangge.grids.rosters import home_prefix, roster, roster_add, roster_remove
from wangge.grids.selectors import grid_for_user
from wangge.party.models import Member

router = Router(tags=["grids"])


class RosterOut(Schema):
    kind: str
    id: int
    name: str
    duty: str
    township_leader: bool


class RosterIn(Schema):
    member_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    duty: str = Field("", max_length=50)
    township_leader: bool = False


class RosterDelete(Schema):
    member_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/{int:grid_id}/roster", response={200: list[RosterOut], **READ_ERRORS})
@paginate(Page)
def roster_index(request, grid_id: int):
    return roster(grid_for_user(request.user, grid_id))


@router.post("/{int:grid_id}/roster", response={201: RosterOut, **WRITE_ERRORS})
def roster_post(request, grid_id: int, payload: RosterIn):
    grid = grid_for_user(request.user, grid_id)
    where = prefix_q("area_code", home_prefix(grid))
    member = person = None
    if payload.member_id:
        member = visible(Member.objects.all(), request.user).filter(where, pk=payload.member_id)
        member = member.first()
        if member is None:
            raise ValidationError(
                {"member_id": _("No member with this number in the grid's area.")}
            )
    if payload.person_id:
        person = visible(Person.objects.all(), request.user).filter(where, pk=payload.person_id)
        person = person.first()
        if person is None:
            raise ValidationError(
                {"person_id": _("No person with this number in the grid's area.")}
            )
    roster_add(
        actor=request.user,
        grid=grid,
        member=member,
        person=person,
        duty=payload.duty.replace("\x00", ""),
        township_leader=payload.township_leader,
    )
    kind, pk = ("member", member.pk) if member else ("person", person.pk)  # type: ignore[union-attr]
    row = next(r for r in roster(grid) if r.kind == kind and r.id == pk)
    return Status(201, row)


@router.delete("/{int:grid_id}/roster", response={204: None, **WRITE_ERRORS})
def roster_delete(request, grid_id: int, query: Query[RosterDelete]):
    grid = grid_for_user(request.user, grid_id)
    if not (query.member_id or query.person_id):
        raise ValidationError(_("Say whom to take off: member_id or person_id."))
    roster_remove(
        actor=request.user, grid=grid, member_id=query.member_id, person_id=query.person_id
    )
    return Status(204, None)
