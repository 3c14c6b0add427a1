"""JSON routes for campaigns: the list, opinions to categorise, categories and counts."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import townships_of
from wangge.campaigns.models import CampaignKind
from wangge.campaigns.selectors import (
    _categories_for,
    campaign_for_user,
    campaign_list,
    opinion_counts,
    opinion_for_user,
    opinion_list,
)
from wangge.campaigns.services import campaign_create, category_create, opinion_categorise
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page
from wangge.regions.models import Level, Region

router = Router(tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    name: str
    kind: CampaignKind
    area_code: str
    starts_on: datetime.date
    ends_on: datetime.date
    collects_opinions: bool


class CampaignIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: CampaignKind = CampaignKind.VISIT
    area_code: str = Field(..., pattern=r"^\d{9,12}$")
    starts_on: datetime.date
    ends_on: datetime.date


class OpinionOut(Schema):
    id: int
    campaign_id: int
    visit_id: int | None
    household_id: int | None
    text: str
    category_id: int | None
    area_code: str
    created_at: datetime.datetime


class OpinionQuery(Schema):
    category: str = Field(
        "", max_length=20, pattern=r"^(none|\d*)$", description="A category id, or none."
    )


class CampaignCategoryOut(Schema):
    id: int
    township_code: str
    name: str


class CategoryIn(Schema):
    township_code: str = Field(..., pattern=r"^\d{9}$")
    name: str = Field(..., min_length=1, max_length=40)


class CategorySet(Schema):
    category_id: int | None = Field(None, ge=1, le=MAX_ID)


class CountRow(Schema):
    name: str
    count: int


class VillageRow(Schema):
    code: str
    name: str
    count: int


class CountsOut(Schema):
    members_visited: int
    households_visited: int
    opinions: int
    uncategorised: int
    by_category: list[CountRow]
    by_village: list[VillageRow]


class CategoryQuery(Schema):
    township_code: str | None = Field(None, pattern=r"^\d{9}$")


@router.get("", response={200: list[CampaignOut], **READ_ERRORS})
@paginate(Page)
def campaigns_index(request):
    return campaign_list(request.user)


@router.post("", response={201: CampaignOut, **WRITE_ERRORS})
def campaigns_add(request, payload: CampaignIn):
    """A new campaign; an area outside the caller's scope answers 404, as a missing one."""
    area = Region.objects.filter(
        code=payload.area_code, level__in=[Level.TOWNSHIP, Level.VILLAGE]
    ).first()
    if area is None:
        raise Http404
    campaign = campaign_create(
        actor=request.user,
        area=area,
        name=payload.name.replace("\x00", ""),
        kind=payload.kind,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, campaign)


@router.get("/categories", response={200: list[CampaignCategoryOut], **WRITE_ERRORS})
@paginate(Page)
def categories_index(request, query: Query[CategoryQuery]):
    townships = townships_of(request.user)
    if not townships:
        raise PermissionDenied(_("Opinion categories belong to a township."))
    township = query.township_code or townships[0]
    if township not in townships:
        raise Http404
    return _categories_for(township)


@router.post("/categories", response={201: CampaignCategoryOut, **WRITE_ERRORS})
def categories_add(request, payload: CategoryIn):
    name = payload.name.replace("\x00", "")
    category = category_create(actor=request.user, township_code=payload.township_code, name=name)
    return Status(201, category)


@router.get("/{int:campaign_id}", response={200: CampaignOut, **READ_ERRORS})
def campaigns_detail(request, campaign_id: int):
    return campaign_for_user(request.user, campaign_id)


@router.get("/{int:campaign_id}/counts", response={200: CountsOut, **READ_ERRORS})
def campaigns_counts(request, campaign_id: int):
    """Members who visited, opinions per category and per village, in the caller's scope."""
    campaign = campaign_for_user(request.user, campaign_id)
    counts = opinion_counts(request.user, campaign)
    return {
        **{k: counts[k] for k in ("members_visited", "households_visited", "opinions")},
        "uncategorised": counts["uncategorised"],
        "by_category": [{"name": c.name, "count": n} for c, n in counts["by_category"]],
        "by_village": [
            {"code": code, "name": name, "count": n} for code, name, n in counts["by_village"]
        ],
    }


@router.get("/{int:campaign_id}/opinions", response={200: list[OpinionOut], **READ_ERRORS})
@paginate(Page)
def campaigns_opinions(request, campaign_id: int, query: Query[OpinionQuery]):
    campaign = campaign_for_user(request.user, campaign_id)
    return opinion_list(request.user, campaign, category=query.category)


@router.post("/opinions/{int:opinion_id}/category", response={200: OpinionOut, **WRITE_ERRORS})
def opinions_categorise(request, opinion_id: int, payload: CategorySet):
    opinion = opinion_for_user(request.user, opinion_id)
    category = None
    if payload.category_id:
        category = _categories_for(opinion.township_code).filter(pk=payload.category_id).first()
        if category is None:
            raise Http404
    return opinion_categorise(actor=request.user, opinion=opinion, category=category)
