"""JSON routes of the campaign engine: a campaign's turn-outs (list and record), scoped like
the pages. Without ``member_id`` and ``person_id`` a new turn-out is the caller's own check-in,
taken only during a declared emergency."""

import datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.campaigns.engine import turnout_correct, turnout_record, turnout_withdraw
from wangge.campaigns.models import DikeSection, Team
from wangge.campaigns.selectors import campaign_for_user
from wangge.campaigns.turnouts import TurnoutFilters, turnout_for_user, turnout_list
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.grids.models import Person
from wangge.party.models import Member

router = Router(tags=["campaigns"])


class TurnoutOut(Schema):
    id: int
    campaign_id: int
    member_id: int | None
    person_id: int | None
    name: str
    is_party_member: bool
    team_id: int | None
    section_id: int | None
    day: datetime.date
    hours: Decimal
    task: str
    note: str
    area_code: str
    home_code: str
    self_reported: bool
    version: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.worker.name

    @staticmethod
    def resolve_is_party_member(obj) -> bool:
        return obj.member_id is not None


class TurnoutIn(Schema):
    day: datetime.date
    hours: Decimal = Field(..., max_digits=5, decimal_places=2)
    member_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    team_id: int | None = Field(None, ge=1, le=MAX_ID)
    section_id: int | None = Field(None, ge=1, le=MAX_ID)
    task: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class TurnoutPatch(Schema):
    """A correction: the version read (a stale one answers 409), and what changes."""

    version: int = Field(..., ge=0, le=MAX_ID)
    day: datetime.date | None = None
    hours: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    section_id: int | None = Field(None, ge=1, le=MAX_ID)


class WithdrawQuery(Schema):
    version: int = Field(..., ge=0, le=MAX_ID, description="The version read (409 if stale).")


class TurnoutQuery(Schema):
    area_code: str = Field("", pattern=r"^\d{0,18}$", description="Where the work was.")
    home: str = Field("", pattern=r"^\d{0,18}$", description="The workers' own village.")
    team: int | None = Field(None, ge=1, le=MAX_ID)
    section: int | None = Field(None, ge=1, le=MAX_ID)
    who: str = Field("", pattern=r"^(member|person)?$")
    day: datetime.date | None = None


def _one(queryset, pk):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get("/{int:campaign_id}/turnouts", response={200: list[TurnoutOut], **READ_ERRORS})
@paginate(Page)
def campaigns_turnouts(request, campaign_id: int, query: Query[TurnoutQuery]):
    campaign = campaign_for_user(request.user, campaign_id)
    filters = TurnoutFilters(
        campaign=str(campaign.pk),
        area_code=query.area_code,
        home=query.home,
        team=str(query.team or ""),
        section=str(query.section or ""),
        who=query.who,
        day=query.day.isoformat() if query.day else "",
    )
    return turnout_list(request.user, filters)


@router.post("/{int:campaign_id}/turnouts", response={201: TurnoutOut, **WRITE_ERRORS})
def campaigns_turnout_add(request, campaign_id: int, payload: TurnoutIn):
    """A turn-out of a member or person (staff), or the caller's own (no member or person)."""
    campaign = campaign_for_user(request.user, campaign_id)
    turnout = turnout_record(
        actor=request.user,
        campaign=campaign,
        day=payload.day,
        hours=payload.hours,
        member=_one(Member.objects.all(), payload.member_id),
        person=_one(Person.objects.all(), payload.person_id),
        team=_one(Team.objects.filter(campaign=campaign), payload.team_id),
        section=_one(DikeSection.objects.filter(campaign=campaign), payload.section_id),
        task=payload.task.replace("\x00", ""),
        note=payload.note.replace("\x00", ""),
    )
    return Status(201, turnout)


@router.patch(
    "/{int:campaign_id}/turnouts/{int:turnout_id}", response={200: TurnoutOut, **WRITE_ERRORS}
)
def campaigns_turnout_change(request, campaign_id: int, turnout_id: int, payload: TurnoutPatch):
    """Correct the day, hours or section (``section_id: null`` clears it) of a turn-out: who
    recorded it, or campaign staff of its area."""
    campaign = campaign_for_user(request.user, campaign_id)
    turnout = turnout_for_user(request.user, turnout_id, campaign=campaign)
    changes = payload.dict(exclude_unset=True)
    section = turnout.section
    if "section_id" in changes:
        section = _one(DikeSection.objects.filter(campaign=campaign), changes["section_id"])
    return turnout_correct(
        actor=request.user,
        turnout=turnout,
        expected_version=payload.version,
        day=changes.get("day") or turnout.day,
        hours=turnout.hours if changes.get("hours") is None else changes["hours"],
        section=section,
    )


@router.delete("/{int:campaign_id}/turnouts/{int:turnout_id}", response={204: None, **WRITE_ERRORS})
def campaigns_turnout_withdraw(
    request, campaign_id: int, turnout_id: int, query: Query[WithdrawQuery]
):
    """Withdraw a turn-out recorded in error (``?version=`` as read); audited."""
    campaign = campaign_for_user(request.user, campaign_id)
    turnout = turnout_for_user(request.user, turnout_id, campaign=campaign)
    turnout_withdraw(actor=request.user, turnout=turnout, expected_version=query.version)
    return Status(204, None)
