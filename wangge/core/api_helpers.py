"""Small pieces the API routers share: scoped look-ups by code and write checks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from wangge.accounts.scope import can_see_area, can_write_registry
from wangge.regions.models import Region


def area_for_write(user, area_code: str, *, field: str = "area_code") -> Region:
    """The region to write into: unknown or invisible → 422, visible but read-only → 403."""
    region = Region.objects.filter(code=area_code).first()
    if region is None or not can_see_area(user, region.code):
        raise ValidationError({field: _("No area with this code in your scope.")})
    require_registry_write(user, region.code)
    return region


def require_registry_write(user, area_code: str) -> None:
    if not can_write_registry(user, area_code):
        raise PermissionDenied(_("Your role may read this area's registry but not change it."))


# Largest id a database integer column holds; larger numbers can't name a row.
MAX_ID = 2**63 - 1


class ErrorOut(Schema):
    code: str
    message: str


# Every route may answer these, as JSON {code, message}; declared so the schema tells clients.
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}


class Page(LimitOffsetPagination):
    """Lists answer ``{"items": [...], "count": n}``; bounds keep every value a database accepts."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)
