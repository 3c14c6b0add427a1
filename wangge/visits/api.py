"""JSON routes for visits: the caller's due visits, logging (with an idempotency key), scoped
lists, policies and the overdue roll-up."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.households.models import Tag
from wangge.visits.models import VisitKind, VisitPolicy
from wangge.visits.selectors import (
    household_for_visit,
    is_cadre,
    my_due,
    my_households,
    overdue_rollup,
    policy_for_user,
    policy_list,
    policy_township,
    visit_for_user,
    visit_list,
)
from wangge.visits.services import policy_remove, policy_set, visit_log, visit_photo_attach

router = Router(tags=["visits"])


class DueOut(Schema):
    household_id: int
    head_name: str
    address: str
    status: str
    next_due: datetime.date
    last_visited_on: datetime.date | None
    interval_days: int


def _due(rows) -> list[dict]:
    return [
        {
            "household_id": r.household.pk,
            "head_name": r.household.head_name,
            "address": r.household.address,
            "status": r.status,
            "next_due": r.next_due,
            "last_visited_on": r.last_visited_on,
            "interval_days": r.interval_days,
        }
        for r in rows
    ]


class VisitOut(Schema):
    id: int
    household_id: int
    member_id: int | None
    visited_on: datetime.date
    kind: VisitKind
    found: str
    needs: str
    need_request_id: int | None
    has_photo: bool
    campaign_id: int | None
    area_code: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)


class VisitIn(Schema):
    household_id: int = Field(..., ge=1, le=MAX_ID)
    visited_on: datetime.date | None = None
    kind: VisitKind = VisitKind.ROUTINE
    found: str = Field("", max_length=5000)
    needs: str = Field("", max_length=5000)
    opinion: str = Field("", max_length=2000)
    client_key: str = Field(
        "",
        max_length=64,
        description="Idempotency key: the same key again returns the first visit.",
    )


class VisitQuery(Schema):
    household_id: int | None = Field(None, ge=1, le=MAX_ID)


class PolicyOut(Schema):
    id: int
    township_code: str
    tag: str | None
    interval_days: int
    version: int

    @staticmethod
    def resolve_tag(obj) -> str | None:
        return obj.tag.slug if obj.tag_id else None


class PolicyIn(Schema):
    township_code: str = Field(..., min_length=9, max_length=9, pattern=r"^\d{9}$")
    tag: str | None = Field(None, max_length=40, description="Tag slug; empty for the default.")
    interval_days: int = Field(..., ge=1, le=366)
    version: int | None = Field(None, ge=0, le=2**31 - 1)


class PolicyQuery(Schema):
    township_code: str | None = Field(None, max_length=9, pattern=r"^\d{9}$")


class RollupRow(Schema):
    code: str
    name: str
    paired: int
    overdue: int
    on_time_percent: float | None


class RollupOut(Schema):
    total: RollupRow
    villages: list[RollupRow]
    grids: list[RollupRow]


class RollupQuery(Schema):
    area_code: str = Field("", max_length=18, pattern=r"^\d*$")


def _clean(text: str) -> str:
    return (text or "").replace("\x00", "")


@router.get("/due", response={200: list[DueOut], **READ_ERRORS})
@paginate(Page)
def visits_due(request):
    """Overdue visits and those due within a week for the caller's paired households."""
    return _due(my_due(request.user, timezone.localdate()))


@router.get("/mine", response={200: list[DueOut], **READ_ERRORS})
@paginate(Page)
def visits_mine(request):
    """Every household paired with the caller, soonest due first."""
    return _due(my_households(request.user, timezone.localdate()))


@router.get("", response={200: list[VisitOut], **READ_ERRORS})
@paginate(Page)
def visits_index(request, query: Query[VisitQuery]):
    qs = visit_list(request.user)
    if query.household_id:
        qs = qs.filter(household_id=query.household_id)
    return qs


@router.get("/{int:visit_id}", response={200: VisitOut, **READ_ERRORS})
def visits_detail(request, visit_id: int):
    return visit_for_user(request.user, visit_id)


@router.post("", response={200: VisitOut, 201: VisitOut, **WRITE_ERRORS})
def visits_log(request, payload: VisitIn):
    """Log a visit; 201 when stored, 200 with the stored visit when the key was sent before."""
    household = household_for_visit(request.user, payload.household_id)
    visit, created = visit_log(
        actor=request.user,
        household=household,
        visited_on=payload.visited_on or timezone.localdate(),
        kind=payload.kind,
        found=_clean(payload.found),
        needs=_clean(payload.needs),
        extra={"opinion": _clean(payload.opinion)},
        client_key=payload.client_key,
    )
    return Status(201 if created else 200, visit)


@router.post("/{int:visit_id}/photo", response={200: VisitOut, **WRITE_ERRORS})
def visits_photo(request, visit_id: int, photo: File[UploadedFile]):
    """Attach the optional photo (an image of at most 5 MB; re-encoded, metadata removed)."""
    visit = visit_for_user(request.user, visit_id)
    return visit_photo_attach(actor=request.user, visit=visit, photo=photo)


@router.get("/policies", response={200: list[PolicyOut], **WRITE_ERRORS})
@paginate(Page)
def policies_index(request, query: Query[PolicyQuery]):
    township = policy_township(request.user, query.township_code)
    return policy_list(request.user, township).order_by(*VisitPolicy._meta.ordering)


@router.put("/policies", response={200: PolicyOut, **WRITE_ERRORS})
def policies_set(request, payload: PolicyIn):
    township = policy_township(request.user, payload.township_code)
    tag = None
    if payload.tag:
        tag = Tag.objects.filter(slug=payload.tag).first()
        if tag is None:
            raise Http404
    return policy_set(
        actor=request.user,
        township_code=township,
        tag=tag,
        interval_days=payload.interval_days,
        expected_version=payload.version,
    )


@router.delete("/policies/{int:policy_id}", response={204: None, **WRITE_ERRORS})
def policies_remove(request, policy_id: int):
    policy = policy_for_user(request.user, policy_id)
    policy_remove(actor=request.user, policy=policy)
    return Status(204, None)


@router.get("/rollup", response={200: RollupOut, **WRITE_ERRORS})
def visits_rollup(request, query: Query[RollupQuery]):
    """Paired households, overdue visits and on-time rates for the caller's area."""
    if not is_cadre(request.user):
        raise PermissionDenied(_("The visit overview is for cadres."))
    rollup = overdue_rollup(request.user, timezone.localdate(), area_code=query.area_code)

    def row(r):
        return {
            "code": r.code,
            "name": r.name,
            "paired": r.paired,
            "overdue": r.overdue,
            "on_time_percent": r.on_time_percent,
        }

    return {
        "total": row(rollup["total"]),
        "villages": [row(r) for r in rollup["villages"]],
        "grids": [row(r) for r in rollup["grids"]],
    }
