from django.db.models import Q
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from wangge.accounts.scope import area_prefixes, prefix_q, visible
from wangge.core.api_helpers import READ_ERRORS, Page
from wangge.regions.models import Level, Region

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


class RegionFilter(Schema):
    area_code: str | None = None
    level: Level | None = None


def _regions(user):
    # A user sees the regions of their subtree and the chain of units above it.
    prefixes = area_prefixes(user)
    ancestors = {p[:n] for p in prefixes for n in (2, 4, 6, 9, 12, 15) if n < len(p)}
    qs = visible(Region.objects.all(), user, field="code")
    if ancestors:
        qs = Region.objects.filter(Q(pk__in=qs.values("pk")) | Q(code__in=ancestors))
    return qs


@router.get("", response={200: list[RegionOut], **READ_ERRORS})
@paginate(Page)
def region_list(request, filters: Query[RegionFilter]):
    qs = _regions(request.user)
    if filters.area_code:
        qs = qs.filter(prefix_q("code", filters.area_code))
    if filters.level:
        qs = qs.filter(level=filters.level)
    return qs.order_by("code")


@router.get("/{code}", response={200: RegionOut, **READ_ERRORS})
def region_detail(request, code: str):
    region = _regions(request.user).filter(code=code).first()
    if region is None:
        raise Http404
    return region
