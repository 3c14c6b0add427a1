"""Small pieces the API routers share: scoped look-ups by code and write checks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

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
