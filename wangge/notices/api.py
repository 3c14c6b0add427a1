"""JSON routes for notices (/notices) and feedback (/feedback): scoped like the pages; a
notice's reach is counts per village and grid only."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.models import Role
from wangge.accounts.scope import can_see_area, in_areas, visible
from wangge.appeals.categories import categories_for
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.grids.models import Grid, GridLayer
from wangge.notices.audience import Targets
from wangge.notices.models import Addressee, FeedbackState, NoticeKind, Topic
from wangge.notices.permissions import sender_areas
from wangge.notices.selectors import (
    campaigns_for_feedback,
    feedback_for_user,
    feedback_list,
    grids_for_feedback,
    is_staff_reader_of,
    notice_for_user,
    notice_list,
    notice_reach,
)
from wangge.notices.services import (
    feedback_create,
    feedback_reply,
    feedback_to_opinion,
    feedback_to_request,
    notice_open,
    notice_send,
)
from wangge.party.models import Organisation
from wangge.regions.models import Region

notices_router = Router(tags=["notices"])
feedback_router = Router(tags=["feedback"])

_OUTSIDE = _("Choose only areas, grids and branches of your area.")


class NoticeAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("notices:attachment", args=[obj.notice_id, obj.pk])


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    kind: NoticeKind
    topic: Topic
    urgent: bool
    by_sms: bool
    area_code: str
    audience_label: str
    recipient_count: int
    sent_at: datetime.datetime
    attachments: list[NoticeAttachmentOut]

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class NoticeIn(Schema):
    area_code: str = Field(..., pattern=r"^\d{9}(\d{3})?$")
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=5000)
    kind: NoticeKind = NoticeKind.NOTICE
    topic: Topic = Topic.OTHER
    everyone: bool = False
    villages: list[str] = Field(default_factory=list, max_length=200)
    grids: list[int] = Field(default_factory=list, max_length=500)
    layers: list[str] = Field(default_factory=list, max_length=20)
    branches: list[int] = Field(default_factory=list, max_length=200)
    roles: list[Role] = Field(default_factory=list, max_length=20)
    urgent: bool = False
    by_sms: bool = False


class ReachRowOut(Schema):
    code: str
    name: str
    recipients: int
    delivered: int
    opened: int


class NoticeReachOut(Schema):
    recipients: int
    delivered: int
    opened: int
    by_village: list[ReachRowOut]
    by_grid: list[ReachRowOut]


class FeedbackOut(Schema):
    id: int
    subject: str
    text: str
    topic: Topic
    addressed_to: Addressee
    state: FeedbackState
    notice_id: int | None
    area_code: str
    village_code: str
    author_name: str
    appeal_id: int | None
    opinion_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class FeedbackReplyOut(Schema):
    id: int
    author_name: str
    from_staff: bool
    text: str
    created_at: datetime.datetime


class FeedbackThreadOut(FeedbackOut):
    replies: list[FeedbackReplyOut]

    @staticmethod
    def resolve_replies(obj):
        return list(obj.replies.all())


class FeedbackIn(Schema):
    subject: str = Field("", max_length=100)
    text: str = Field(..., max_length=5000)
    topic: Topic | None = Field(None, description="Empty: the notice's topic, else other.")
    addressed_to: Addressee = Addressee.TOWNSHIP
    notice_id: int | None = Field(None, ge=1, le=MAX_ID)


class FeedbackQuery(Schema):
    topic: Topic | None = None
    village: str | None = Field(None, pattern=r"^\d{12}$", description="The writer's village.")
    state: FeedbackState | None = None


class FeedbackReplyIn(Schema):
    text: str = Field(..., max_length=5000)


class FeedbackToRequestIn(Schema):
    grid_id: int = Field(..., ge=1, le=MAX_ID)
    category_id: int | None = Field(None, ge=1, le=MAX_ID)


class FeedbackToOpinionIn(Schema):
    campaign_id: int = Field(..., ge=1, le=MAX_ID)


class ConvertedOut(Schema):
    feedback_id: int
    request_id: int | None = None
    request_ticket: str = ""
    opinion_id: int | None = None


def _pick(qs, keys, *, field: str = "pk") -> list:
    keys = list(dict.fromkeys(keys))
    found = list(qs.filter(**{f"{field}__in": keys}))
    if len(found) != len(keys):
        raise ValidationError({"audience": _OUTSIDE})
    return found


def _clean(value: str) -> str:
    return (value or "").replace("\x00", "")


@notices_router.get("", response={200: list[NoticeOut], **READ_ERRORS})
@paginate(Page)
def notices_index(request):
    """Notices the caller received, and for staff those sent in or reaching their area."""
    return notice_list(request.user).prefetch_related("attachments")


@notices_router.post("", response={201: NoticeOut, **WRITE_ERRORS})
def notices_send(request, payload: NoticeIn):
    if not can_see_area(request.user, payload.area_code):
        raise Http404  # the same answer whether or not the area exists
    if payload.area_code not in sender_areas(request.user):
        raise PermissionDenied(
            _("Only the township office or the village's secretary may send notices here.")
        )
    area = Region.objects.get(code=payload.area_code)
    targets = Targets(
        everyone=payload.everyone,
        areas=_pick(
            in_areas(Region.objects.all(), [area.code], field="code"),
            payload.villages,
            field="code",
        ),
        grids=_pick(
            in_areas(visible(Grid.objects.all(), request.user), [area.code]), payload.grids
        ),
        layers=_pick(GridLayer.objects.all(), payload.layers, field="slug"),
        branches=_pick(in_areas(Organisation.objects.all(), [area.code]), payload.branches),
        roles=[str(r) for r in dict.fromkeys(payload.roles)],
    )
    notice = notice_send(
        actor=request.user,
        area=area,
        title=_clean(payload.title),
        body=_clean(payload.body),
        kind=payload.kind,
        topic=payload.topic,
        targets=targets,
        urgent=payload.urgent,
        by_sms=payload.by_sms,
    )
    return Status(201, notice)


@notices_router.get("/{int:notice_id}", response={200: NoticeOut, **READ_ERRORS})
def notices_detail(request, notice_id: int):
    """The notice (counted as opened when the caller is one of its recipients)."""
    notice = notice_for_user(request.user, notice_id)
    notice_open(user=request.user, notice=notice)
    return notice


@notices_router.get("/{int:notice_id}/reach", response={200: NoticeReachOut, **WRITE_ERRORS})
def notices_reach(request, notice_id: int):
    """Delivered and opened per village and chosen grid, in the caller's area: counts only."""
    notice = notice_for_user(request.user, notice_id)
    if not is_staff_reader_of(request.user, notice):
        raise PermissionDenied(_("Only township and village staff see a notice's reach."))
    return notice_reach(request.user, notice)


@feedback_router.get("", response={200: list[FeedbackOut], **READ_ERRORS})
@paginate(Page)
def feedback_index(request, query: Query[FeedbackQuery]):
    """The caller's own feedback and, for staff, the feedback written to their area; by topic,
    the writer's village and state."""
    if query.village and not can_see_area(request.user, query.village):
        raise Http404
    return feedback_list(
        request.user, topic=query.topic or "", village=query.village or "", state=query.state or ""
    )


@feedback_router.post("", response={201: FeedbackOut, **WRITE_ERRORS})
def feedback_add(request, payload: FeedbackIn):
    notice = notice_for_user(request.user, payload.notice_id) if payload.notice_id else None
    feedback = feedback_create(
        actor=request.user,
        subject=_clean(payload.subject),
        text=_clean(payload.text),
        topic=payload.topic or "",
        addressed_to=payload.addressed_to,
        notice=notice,
    )
    return Status(201, feedback)


@feedback_router.get("/{int:feedback_id}", response={200: FeedbackThreadOut, **READ_ERRORS})
def feedback_detail(request, feedback_id: int):
    return feedback_for_user(request.user, feedback_id)


@feedback_router.post(
    "/{int:feedback_id}/replies", response={201: FeedbackReplyOut, **WRITE_ERRORS}
)
def feedback_replies_add(request, feedback_id: int, payload: FeedbackReplyIn):
    feedback = feedback_for_user(request.user, feedback_id)
    return Status(
        201, feedback_reply(actor=request.user, feedback=feedback, text=_clean(payload.text))
    )


@feedback_router.post("/{int:feedback_id}/to-request", response={200: ConvertedOut, **WRITE_ERRORS})
def feedback_make_request(request, feedback_id: int, payload: FeedbackToRequestIn):
    feedback = feedback_for_user(request.user, feedback_id)
    grid = grids_for_feedback(request.user, feedback).filter(pk=payload.grid_id).first()
    if grid is None:
        raise ValidationError({"grid_id": _("Choose a grid of the writer's village.")})
    category = None
    if payload.category_id:
        category = categories_for(feedback.township_code).filter(pk=payload.category_id).first()
        if category is None:
            raise ValidationError({"category_id": _("Choose one of this township's categories.")})
    appeal = feedback_to_request(
        actor=request.user, feedback=feedback, grid=grid, category=category
    )
    return {"feedback_id": feedback.pk, "request_id": appeal.pk, "request_ticket": appeal.ticket}


@feedback_router.post("/{int:feedback_id}/to-opinion", response={200: ConvertedOut, **WRITE_ERRORS})
def feedback_make_opinion(request, feedback_id: int, payload: FeedbackToOpinionIn):
    feedback = feedback_for_user(request.user, feedback_id)
    campaign = next(
        (c for c in campaigns_for_feedback(request.user, feedback) if c.pk == payload.campaign_id),
        None,
    )
    if campaign is None:
        raise ValidationError(
            {"campaign_id": _("Choose a campaign that collects opinions in the writer's area.")}
        )
    opinion = feedback_to_opinion(actor=request.user, feedback=feedback, campaign=campaign)
    return {"feedback_id": feedback.pk, "opinion_id": opinion.pk}
