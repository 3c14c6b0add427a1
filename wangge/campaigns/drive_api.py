"""JSON routes for concentrated-assistance drives and the members consulted in a visit
campaign: scoped lists, a task marked done, a consultation recorded."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import prefix_q
from wangge.campaigns.consultation import (
    campaign_for_consultations,
    consultation_list,
    consultation_record,
)
from wangge.campaigns.drive import drive_for_user, drive_list, task_done, task_for_user, task_list
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.core.forms import writable
from wangge.party.models import Member

drives_router = Router(tags=["campaigns"])
consultations_router = Router(tags=["campaigns"])


class DriveOut(Schema):
    id: int
    name: str
    area_code: str
    starts_on: datetime.date
    ends_on: datetime.date
    tasks: int = Field(..., alias="task_count")
    done: int


class TaskOut(Schema):
    id: int
    campaign_id: int
    household_id: int
    member_id: int | None
    area_code: str
    reason: str
    done_at: datetime.datetime | None
    done_note: str


class DoneIn(Schema):
    note: str = Field(..., max_length=2000)


class ConsultationOut(Schema):
    id: int
    member_id: int
    consulted_by_id: int | None
    day: datetime.date
    area_code: str
    opinion_count: int


class ConsultationIn(Schema):
    member_id: int = Field(..., ge=1, le=MAX_ID)
    consulted_by_id: int | None = Field(None, ge=1, le=MAX_ID)
    day: datetime.date
    opinions: list[str] = Field(default_factory=list, max_length=50)


@drives_router.get("", response={200: list[DriveOut], **READ_ERRORS})
@paginate(Page)
def drives_index(request):
    return drive_list(request.user)


@drives_router.get("/{int:drive_id}/tasks", response={200: list[TaskOut], **READ_ERRORS})
@paginate(Page)
def drive_tasks(request, drive_id: int):
    return task_list(request.user, campaign=drive_for_user(request.user, drive_id))


@drives_router.post("/tasks/{int:task_id}/done", response={200: TaskOut, **WRITE_ERRORS})
def drive_task_done(request, task_id: int, payload: DoneIn):
    task = task_for_user(request.user, task_id)
    return task_done(actor=request.user, task=task, note=payload.note.replace("\x00", ""))


@consultations_router.get(
    "/{int:campaign_id}/consultations", response={200: list[ConsultationOut], **READ_ERRORS}
)
@paginate(Page)
def consultations_index(request, campaign_id: int):
    campaign = campaign_for_consultations(request.user, campaign_id)
    return consultation_list(request.user, campaign)


@consultations_router.post(
    "/{int:campaign_id}/consultations", response={201: ConsultationOut, **WRITE_ERRORS}
)
def consultations_add(request, campaign_id: int, payload: ConsultationIn):
    campaign = campaign_for_consultations(request.user, campaign_id)
    members = writable(Member.objects.all(), request.user).filter(
        prefix_q("area_code", campaign.area_code)
    )
    member = members.filter(pk=payload.member_id).first()
    if member is None:
        raise ValidationError({"member_id": _("No member with this number in your area.")})
    asker = None
    if payload.consulted_by_id:
        asker = members.filter(pk=payload.consulted_by_id).first()
        if asker is None:
            raise ValidationError(
                {"consulted_by_id": _("No member with this number in your area.")}
            )
    consultation = consultation_record(
        actor=request.user,
        campaign=campaign,
        member=member,
        consulted_by=asker,
        day=payload.day,
        opinions=[t.replace("\x00", "") for t in payload.opinions],
    )
    return Status(201, consultation_list(request.user, campaign).get(pk=consultation.pk))
