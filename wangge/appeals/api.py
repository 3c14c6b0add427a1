"""JSON routes for residents' requests; scoped and permission-checked like the pages."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import visible
from wangge.appeals.models import Channel, Rating, State
from wangge.appeals.selectors import (
    categories_in,
    category_for_township,
    my_requests,
    request_for_user,
    request_list,
    request_timeline,
)
from wangge.appeals.services import (
    ACTIONS,
    appeal_act,
    appeal_create,
    appeal_from_visit,
    appeal_rate,
)
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.households.models import Household
from wangge.visits.selectors import visit_for_user

router = Router(tags=["requests"])


class RequestCategoryOut(Schema):
    id: int
    slug: str
    name: str
    accept_hours: int
    resolve_working_days: int
    urgent: bool


class RequestOut(Schema):
    id: int
    ticket: str
    state: State
    category_id: int
    text: str
    channel: Channel
    household_id: int | None
    grid_id: int | None
    level: int | None
    area_code: str
    contact_name: str
    contact_phone_masked: str
    assignee_member_id: int | None
    assignee_user_id: int | None
    urgent: bool
    accept_due_at: datetime.datetime
    resolve_due_at: datetime.datetime
    rating: str
    reopen_count: int
    escalation_count: int
    created_at: datetime.datetime


class EventOut(Schema):
    kind: str
    from_state: str
    to_state: str
    actor_id: int | None
    actor_kind: str
    at: datetime.datetime
    note: str
    level: int | None
    due_at: datetime.datetime | None
    rating: str
    automatic: bool


class RequestDetailOut(RequestOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return list(request_timeline(obj))


class RequestQuery(Schema):
    state: State | Literal["open"] | None = None
    area_code: str | None = Field(None, pattern=r"^\d{2,18}$")
    overdue: bool = False
    escalated: bool = False


class RequestIn(Schema):
    household_id: int = Field(..., ge=1, le=MAX_ID)
    category_id: int = Field(..., ge=1, le=MAX_ID)
    text: str = Field(..., min_length=1, max_length=2000)
    channel: Literal["member", "visit"] = "member"
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    idempotency_key: str | None = Field(None, min_length=1, max_length=40)


# The state machine's actions with a note only (rating has its own route; notes stay on pages).
TRANSITIONS = tuple(
    name for name, step in ACTIONS.items() if step.service and name not in ("rate", "note")
)


class TransitionIn(Schema):
    action: Literal[TRANSITIONS]
    note: str = Field("", max_length=2000)


class RateIn(Schema):
    rating: Rating
    note: str = Field("", max_length=500)


def _clean(text: str) -> str:
    return (text or "").replace("\x00", "")


@router.get("/categories", response={200: list[RequestCategoryOut], **READ_ERRORS})
@paginate(Page)
def categories_index(request):
    """The categories in use in each township of the user's areas."""
    return categories_in(request.user)


@router.get("", response={200: list[RequestOut], **READ_ERRORS})
@paginate(Page)
def requests_index(request, query: Query[RequestQuery]):
    return request_list(
        request.user,
        state=query.state or "",
        area_code=query.area_code or "",
        overdue=query.overdue,
        escalated=query.escalated,
    )


@router.get("/mine", response={200: list[RequestOut], **READ_ERRORS})
@paginate(Page)
def requests_mine(request):
    return my_requests(request.user)


@router.get("/{int:request_id}", response={200: RequestDetailOut, **READ_ERRORS})
def requests_detail(request, request_id: int):
    return request_for_user(request.user, request_id)


@router.post("", response={201: RequestDetailOut, **WRITE_ERRORS})
def requests_create(request, payload: RequestIn):
    household = (
        visible(Household.objects.select_related("area"), request.user)
        .filter(pk=payload.household_id)
        .first()
    )
    if household is None:
        raise ValidationError({"household_id": _("No household with this id in your scope.")})
    category = category_for_township(household.township_code, payload.category_id)
    if category is None:
        raise ValidationError({"category_id": _("Choose one of this township's categories.")})
    key = f"user{request.user.pk}:{payload.idempotency_key}" if payload.idempotency_key else None
    created = appeal_create(
        actor=request.user,
        household=household,
        category=category,
        text=_clean(payload.text),
        channel=payload.channel,
        contact_name=_clean(payload.contact_name),
        contact_phone=_clean(payload.contact_phone),
        idempotency_key=key,
    )
    return Status(201, request_for_user(request.user, created.pk))


@router.post("/{int:request_id}/transitions", response={200: RequestDetailOut, **WRITE_ERRORS})
def requests_transition(request, request_id: int, payload: TransitionIn):
    appeal = request_for_user(request.user, request_id)
    appeal_act(actor=request.user, appeal=appeal, action=payload.action, note=_clean(payload.note))
    return request_for_user(request.user, request_id)


@router.post("/{int:request_id}/rate", response={200: RequestDetailOut, **WRITE_ERRORS})
def requests_rate(request, request_id: int, payload: RateIn):
    appeal = request_for_user(request.user, request_id)
    appeal_rate(actor=request.user, appeal=appeal, rating=payload.rating, note=_clean(payload.note))
    return request_for_user(request.user, request_id)


class FromVisitIn(Schema):
    category_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.post("/from-visit/{int:visit_id}", response={201: RequestDetailOut, **WRITE_ERRORS})
def requests_from_visit(request, visit_id: int, payload: FromVisitIn):
    """Turn the needs a visit recorded into a request; asking again gives the same request."""
    visit = visit_for_user(request.user, visit_id)
    category = None
    if payload.category_id is not None:
        category = category_for_township(visit.township_code, payload.category_id)
        if category is None:
            raise ValidationError({"category_id": _("Choose one of this township's categories.")})
    created = appeal_from_visit(actor=request.user, visit=visit, category=category)
    return Status(201, request_for_user(request.user, created.pk))
