"""JSON routes of duties, scores and talks: ``/scores?period=2021-Q4``, ``/admonishments``,
``/duties`` and ``/members/{id}/service-list``, scoped like the pages."""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from wangge.accounts.scope import area_prefixes
from wangge.assessment import admonish
from wangge.assessment.duties import LEVELS, duty_lists_current, service_list
from wangge.assessment.models import SubjectKind
from wangge.assessment.score_selectors import (
    lines_of,
    score_for_user,
    score_townships,
    scores_visible,
    subject_name,
)
from wangge.core.api_helpers import READ_ERRORS, Page
from wangge.core.periods import PeriodError, parse_period
from wangge.party.selectors import member_for_user

scores_router = Router(tags=["scores"])
admonishments_router = Router(tags=["admonishments"])
duties_router = Router(tags=["duties"])
service_list_router = Router(tags=["members"])


class IndicatorOut(Schema):
    key: str
    label: str
    weight: int
    value: float | None
    points: float
    num: int | None
    den: int | None
    records_url: str


class SubjectOut(Schema):
    kind: str
    id: int
    name: str


class ScoreOut(Schema):
    id: int
    period: str
    area_code: str
    subject: SubjectOut
    score: float
    below_threshold: bool
    scheme_version: int
    computed_at: datetime.datetime
    indicators: list[IndicatorOut]


class ScoreQuery(Schema):
    period: str = Field(..., max_length=40)
    subject: str | None = Field(None, pattern="^(member|grid)$")
    area_code: str | None = Field(None, pattern=r"^\d{1,18}$")


def _score_out(score) -> dict:
    return {
        "id": score.pk,
        "period": score.period_key,
        "area_code": score.area_code,
        "subject": {
            "kind": score.subject_kind,
            "id": score.member_id if score.subject_kind == SubjectKind.MEMBER else score.grid_id,
            "name": subject_name(score),
        },
        "score": float(score.score),
        "below_threshold": score.below_threshold,
        "scheme_version": score.scheme.version,
        "computed_at": score.computed_at,
        "indicators": [
            {
                "key": line.key,
                "label": line.label,
                "weight": line.weight,
                "value": line.value,
                "points": line.points,
                "num": line.num,
                "den": line.den,
                "records_url": reverse("assessment:indicator_records", args=[score.pk, line.key]),
            }
            for line in lines_of(score)
        ],
    }


def _period_key(value: str) -> str:
    try:
        period = parse_period(value)
    except PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if period.kind == "custom":
        raise ValidationError(
            {"period": _("Scores are kept by month, quarter, half-year or year.")}
        )
    return period.key


@scores_router.get("", response={200: list[ScoreOut], **READ_ERRORS})
@paginate(Page)
def scores_index(request, query: Query[ScoreQuery]):
    """Scores of a period in the caller's scope (a member: their own), by area, never ranked."""
    qs = scores_visible(request.user).filter(period_key=_period_key(query.period))
    if query.subject:
        qs = qs.filter(subject_kind=query.subject)
    if query.area_code:
        qs = qs.filter(area_code__startswith=query.area_code)
    qs = qs.select_related("member", "grid", "scheme").order_by("area_code", "subject_kind", "id")
    return [_score_out(s) for s in qs]


@scores_router.get("/{int:score_id}", response={200: ScoreOut, **READ_ERRORS})
def score_detail(request, score_id: int):
    return _score_out(score_for_user(request.user, score_id))


class TalkOut(Schema):
    id: int
    member_id: int
    member_name: str
    area_code: str
    period: str
    score: float
    kind: str
    status: str
    held_on: datetime.date | None
    held_by: str
    outcome: str
    notes: str | None = None


class TalkQuery(Schema):
    status: str | None = Field(None, pattern="^(open|done)$")


@admonishments_router.get("", response={200: list[TalkOut], **READ_ERRORS})
@paginate(Page)
def admonishments_index(request, query: Query[TalkQuery]):
    """Talks in the discipline committee's (and township leaders') areas, and the caller's own;
    the internal notes only to the committee's readers."""
    out = []
    for talk in admonish.talk_list(request.user, status=query.status or ""):
        reader = admonish.reads_queue(request.user, talk)
        out.append(
            {
                "id": talk.pk,
                "member_id": talk.member_id,
                "member_name": talk.member.name,
                "area_code": talk.area_code,
                "period": talk.period_key,
                "score": float(talk.score_value),
                "kind": talk.kind,
                "status": talk.status,
                "held_on": talk.held_on,
                "held_by": talk.held_by,
                "outcome": talk.outcome,
                "notes": talk.notes if reader else None,
            }
        )
    return out


class DutyOut(Schema):
    township_code: str
    level: int
    version: int
    items: list[str]
    created_at: datetime.datetime


@duties_router.get("", response={200: list[DutyOut], **READ_ERRORS})
@paginate(Page)
def duties_index(request):
    """The current duty list of each grid level for the caller's townships."""
    townships = set(score_townships(request.user))
    member = getattr(request.user, "member", None)
    if member is not None:
        townships.add(member.township_code)
    if not townships and area_prefixes(request.user):
        townships = {p[:9] for p in area_prefixes(request.user) if len(p) >= 9}
    out = []
    for township in sorted(townships):
        current = duty_lists_current(township)
        out += [current[level] for level in LEVELS if current[level] is not None]
    return out


class ServiceListOut(Schema):
    member_id: int
    name: str
    area_code: str
    positions: list[dict]
    grids: list[dict]
    households: list[dict]
    campaigns: list[dict]


@service_list_router.get(
    "/{int:member_id}/service-list", response={200: ServiceListOut, **READ_ERRORS}
)
def member_service_list(request, member_id: int):
    """The member's service list (一人一策), generated from the record."""
    return service_list(member_for_user(request.user, member_id)).as_dict()
