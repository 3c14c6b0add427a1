"""The region tree through the API: the areas a user's roles reach (and the chain of units
above them), and the hamlets and villager groups a village adds.

It lives with the accounts, not in ``regions``, because every answer is cut to the caller's
scope: regions stays below accounts, knowing nothing of users. Operation ids keep the names
clients already generated code from.
"""

from django.db.models import Q
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import ANY_ROLE, area_prefixes, in_areas, prefix_q
from wangge.core.api_helpers import (
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    area_for_write,
    require_registry_write,
)
from wangge.regions.codes import ancestor_of
from wangge.regions.models import Level, Region
from wangge.regions.services import region_create, region_rename

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: Level
    parent_code: str | None
    area_code: str

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent_id

    @staticmethod
    def resolve_area_code(obj):
        return obj.code


class RegionIn(Schema):
    code: str
    name: str
    parent_code: str


class RegionPatch(Schema):
    name: str


class RegionFilter(Schema):
    area_code: str | None = None
    level: Level | None = None


def _regions(user):
    # A user sees the regions of their subtree and the chain of units above it.
    # Divisions are no personal data: the administrators see theirs too (to grant roles in them).
    prefixes = area_prefixes(user, ANY_ROLE)
    ancestors = {a for p in prefixes for level in Level if (a := ancestor_of(p, level)) and a != p}
    qs = in_areas(Region.objects.all(), prefixes, field="code")
    if ancestors:
        qs = Region.objects.filter(Q(pk__in=qs.values("pk")) | Q(code__in=ancestors))
    return qs


@router.get(
    "",
    response={200: list[RegionOut], **READ_ERRORS},
    operation_id="wangge_regions_api_region_list",
)
@paginate(Page)
def region_list(request, filters: Query[RegionFilter]):
    qs = _regions(request.user)
    if filters.area_code:
        qs = qs.filter(prefix_q("code", filters.area_code))
    if filters.level:
        qs = qs.filter(level=filters.level)
    return qs.order_by("code")


@router.get(
    "/{code}",
    response={200: RegionOut, **READ_ERRORS},
    operation_id="wangge_regions_api_region_detail",
)
def region_detail(request, code: str):
    region = _regions(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


@router.post(
    "",
    response={201: RegionOut, **WRITE_ERRORS},
    operation_id="wangge_regions_api_region_add",
)
def region_add(request, payload: RegionIn):
    """Add a hamlet under a village, or a villager group under a hamlet."""
    parent = area_for_write(request.user, payload.parent_code, field="parent_code")
    return Status(
        201, region_create(actor=request.user, parent=parent, code=payload.code, name=payload.name)
    )


@router.patch(
    "/{code}",
    response={200: RegionOut, **WRITE_ERRORS},
    operation_id="wangge_regions_api_region_change",
)
def region_change(request, code: str, payload: RegionPatch):
    region = _regions(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    require_registry_write(request.user, region.code)
    return region_rename(actor=request.user, region=region, name=payload.name)
