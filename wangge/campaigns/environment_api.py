"""JSON routes for environment inspections: the scoped list and recording one."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import visible
from wangge.campaigns.environment import inspection_list, inspection_record
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.party.models import Organisation, OrgKind
from wangge.regions.models import Level, Region

router = Router(tags=["environment"])


class ScoreOut(Schema):
    item: str
    points: int
    max_points: int


class InspectionOut(Schema):
    id: int
    area_code: str
    council_id: int
    day: datetime.date
    total: int
    max_total: int
    note: str


class InspectionQuery(Schema):
    area_code: str = Field("", pattern=r"^\d{0,18}$")


class ScoreIn(Schema):
    item_id: int = Field(..., ge=1, le=MAX_ID)
    points: int = Field(..., ge=0, le=10000)


class InspectionIn(Schema):
    area_code: str = Field(..., pattern=r"^\d{15}$")
    council_id: int = Field(..., ge=1, le=MAX_ID)
    day: datetime.date
    scores: list[ScoreIn]
    note: str = Field("", max_length=2000)


@router.get("", response={200: list[InspectionOut], **READ_ERRORS})
@paginate(Page)
def inspections_index(request, query: Query[InspectionQuery]):
    return inspection_list(request.user, area_code=query.area_code)


@router.post("", response={201: InspectionOut, **WRITE_ERRORS})
def inspections_add(request, payload: InspectionIn):
    hamlets = visible(Region.objects.filter(level=Level.HAMLET), request.user, field="code")
    hamlet = hamlets.filter(code=payload.area_code).first()
    if hamlet is None:
        raise ValidationError({"area_code": _("No hamlet with this code in your area.")})
    council = visible(Organisation.objects.filter(kind=OrgKind.COUNCIL), request.user)
    council = council.filter(pk=payload.council_id).first()
    scores: dict[int, int | None] = {}
    for score in payload.scores:
        if score.item_id in scores:
            raise ValidationError({"scores": _("Each item may be scored once.")})
        scores[score.item_id] = score.points
    inspection = inspection_record(
        actor=request.user,
        hamlet=hamlet,
        council=council,
        day=payload.day,
        scores=scores,
        note=payload.note.replace("\x00", ""),
    )
    return Status(201, inspection)
