"""Writes for regions below the village (hamlets and villager groups), which the township keeps."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.regions.models import LEVEL_CODE_LENGTH, Level, Region

CHILD_LEVEL = {Level.VILLAGE: Level.HAMLET, Level.HAMLET: Level.GROUP}


@transaction.atomic
def region_create(*, actor, parent: Region, code: str, name: str) -> Region:
    """Add a hamlet under a village or a villager group under a hamlet."""
    errors: dict[str, str] = {}
    level = CHILD_LEVEL.get(parent.level)
    if level is None:
        errors["parent_code"] = _(
            "Only hamlets (under a village) and villager groups (under a hamlet) can be added here."
        )
    code = (code or "").strip()
    if level and (
        not code.isdigit()
        or len(code) != LEVEL_CODE_LENGTH[level]
        or not code.startswith(parent.code)
    ):
        errors["code"] = _(
            "The code is the parent's code followed by 3 digits, e.g. %(example)s."
        ) % {"example": parent.code + "001"}
    elif Region.objects.filter(code=code).exists():
        errors["code"] = _("This code is already used; codes are never reused.")
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Enter a name of at most 100 characters.")
    if errors:
        raise ValidationError(errors)
    region = Region.objects.create(code=code, name=name, level=level, parent=parent)
    audit_record(
        actor=actor,
        action="region.create",
        object_type="regions.region",
        object_id=code,
        area_code=code,
    )
    return region


@transaction.atomic
def region_rename(*, actor, region: Region, name: str) -> Region:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Enter a name of at most 100 characters.")})
    old = region.name
    Region.objects.filter(pk=region.pk).update(name=name)
    region.name = name
    audit_record(
        actor=actor,
        action="region.rename",
        object_type="regions.region",
        object_id=region.code,
        area_code=region.code,
        detail={"from": old, "to": name},
    )
    return region
