from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import can_write_registry, visible
from wangge.core.api_helpers import READ_ERRORS, WRITE_ERRORS, Page, area_for_write
from wangge.grids.models import Grid, GridLayer
from wangge.grids.selectors import grid_for_user, grid_list, layers
from wangge.grids.services import grid_assign_households, grid_create, grid_update
from wangge.households.models import Household
from wangge.party.models import Member

router = Router(tags=["grids"])


class GridOut(Schema):
    id: int
    name: str
    layer: str
    level: int | None
    parent_id: int | None
    responsible_id: int | None
    area_code: str
    household_count: int = 0
    version: int

    @staticmethod
    def resolve_layer(obj):
        return obj.layer.slug


class GridQuery(Schema):
    layer: str | None = None
    area_code: str | None = None


class GridIn(Schema):
    layer: str
    name: str
    area_code: str
    level: int | None = None
    parent_id: int | None = None
    responsible_id: int | None = None


class GridPatch(Schema):
    version: int
    name: str | None = None
    responsible_id: int | None = None


class AssignIn(Schema):
    household_ids: list[int]


def _layer(user, slug: str) -> GridLayer:
    layer = layers(user).filter(slug=slug).first()
    if layer is None:
        raise ValidationError({"layer": _("Unknown grid layer.")})
    return layer


def _member(user, member_id: int | None) -> Member | None:
    if member_id is None:
        return None
    member = visible(Member.objects.all(), user).filter(pk=member_id).first()
    if member is None:
        raise ValidationError({"responsible_id": _("No member with this id in your scope.")})
    return member


def _grid_for_write(user, pk: int) -> Grid:
    grid = grid_for_user(user, pk)
    if not can_write_registry(user, grid.area_code):
        raise PermissionDenied(_("Your role may look at this grid but not change it."))
    return grid


@router.get("", response={200: list[GridOut], **READ_ERRORS})
@paginate(Page)
def grid_index(request, query: Query[GridQuery]):
    layer = layers(request.user).filter(slug=query.layer).first() if query.layer else None
    if query.layer and layer is None:
        return Grid.objects.none()
    return grid_list(request.user, layer=layer, area_code=query.area_code or "")


@router.get("/{int:grid_id}", response={200: GridOut, **READ_ERRORS})
def grid_detail(request, grid_id: int):
    grid_for_user(request.user, grid_id)
    return grid_list(request.user).get(pk=grid_id)


@router.post("", response={201: GridOut, **WRITE_ERRORS})
def grid_add(request, payload: GridIn):
    area = area_for_write(request.user, payload.area_code)
    parent = grid_for_user(request.user, payload.parent_id) if payload.parent_id else None
    grid = grid_create(
        actor=request.user,
        layer=_layer(request.user, payload.layer),
        name=payload.name,
        area=area,
        level=payload.level,
        parent=parent,
        responsible=_member(request.user, payload.responsible_id),
    )
    return Status(201, grid_list(request.user).get(pk=grid.pk))


@router.patch("/{int:grid_id}", response={200: GridOut, **WRITE_ERRORS})
def grid_change(request, grid_id: int, payload: GridPatch):
    grid = _grid_for_write(request.user, grid_id)
    changes = payload.dict(exclude_unset=True)
    responsible = (
        _member(request.user, changes["responsible_id"])
        if "responsible_id" in changes
        else grid.responsible
    )
    grid_update(
        actor=request.user,
        grid=grid,
        expected_version=payload.version,
        name=changes.get("name") or grid.name,
        responsible=responsible,
        parent=grid.parent,
    )
    return grid_list(request.user).get(pk=grid.pk)


@router.post("/{int:grid_id}/households", response={200: GridOut, **WRITE_ERRORS})
def grid_households_assign(request, grid_id: int, payload: AssignIn):
    grid = _grid_for_write(request.user, grid_id)
    households = list(
        visible(Household.objects.all(), request.user).filter(pk__in=payload.household_ids)
    )
    if len(households) != len(set(payload.household_ids)):
        raise ValidationError({"household_ids": _("Some households are not in your scope.")})
    grid_assign_households(actor=request.user, grid=grid, households=households)
    return grid_list(request.user).get(pk=grid.pk)
