"""Writes for households. Forms, imports and the API all validate through here."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import ConflictError
from wangge.core.identity import IdentityError, mask_id, mask_phone, parse_id_number, parse_phone
from wangge.households.models import Household, Tag
from wangge.regions.codes import township_of
from wangge.regions.models import Level, Region

HOUSEHOLD_AREA_LEVELS = {Level.VILLAGE, Level.HAMLET, Level.GROUP}


@dataclass
class HouseholdData:
    """A validated household record, ready to write."""

    head_name: str
    head_id_number: str
    head_id_hash: str
    address: str
    area: Region
    phone: str
    size: int
    note: str
    tags: list[Tag] = field(default_factory=list)

    def field_values(self) -> dict:
        return {
            "head_name": self.head_name,
            "head_id_number": self.head_id_number,
            "head_id_hash": self.head_id_hash,
            "head_id_masked": mask_id(self.head_id_number),
            "address": self.address,
            "area": self.area,
            "area_code": self.area.code,
            "township_code": township_of(self.area.code) or "",
            "phone": self.phone,
            "phone_masked": mask_phone(self.phone),
            "size": self.size,
            "note": self.note,
        }


def household_validate(
    *,
    head_name: str,
    head_id_number: str,
    address: str,
    area: Region | None,
    phone: str = "",
    size: int | None = 1,
    note: str = "",
    tags: list[Tag] | None = None,
) -> HouseholdData:
    """Check one household's fields; raise ValidationError keyed by field with what to fix."""
    errors: dict[str, str] = {}
    head_name = (head_name or "").strip()
    if not head_name:
        errors["head_name"] = _("Enter the name of the head of household.")
    elif len(head_name) > 50:
        errors["head_name"] = _("A name can have at most 50 characters.")
    parsed = None
    try:
        parsed = parse_id_number(head_id_number)
    except IdentityError as exc:
        errors["head_id_number"] = str(exc)
    address = (address or "").strip()
    if not address:
        errors["address"] = _("Enter the household's address.")
    elif len(address) > 200:
        errors["address"] = _("An address can have at most 200 characters.")
    if area is None:
        errors["area"] = _("Choose the hamlet or villager group the household belongs to.")
    elif area.level not in HOUSEHOLD_AREA_LEVELS:
        errors["area"] = _("A household belongs to a village, hamlet or villager group.")
    clean_phone = ""
    if phone and str(phone).strip():
        try:
            clean_phone = parse_phone(phone, allow_landline=True)
        except IdentityError as exc:
            errors["phone"] = str(exc)
    if size is None or not 1 <= int(size) <= 30:
        errors["size"] = _("The number of people must be between 1 and 30.")
    if errors:
        raise ValidationError(errors)
    assert parsed is not None and area is not None
    return HouseholdData(
        head_name=head_name,
        head_id_number=parsed.value,
        head_id_hash=blind_index(parsed.value),
        address=address,
        area=area,
        phone=clean_phone,
        size=int(size),
        note=(note or "").strip(),
        tags=list(tags or []),
    )


def _check_head_free(data: HouseholdData, *, exclude_pk: int | None = None) -> None:
    clash = Household.objects.filter(head_id_hash=data.head_id_hash).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"head_id_number": _("This ID number is already the head of another household.")}
        )


@transaction.atomic
def household_create(*, actor, data: HouseholdData) -> Household:
    _check_head_free(data)
    household = Household(**data.field_values())
    household.save()
    household.tags.set(data.tags)
    audit_record(actor=actor, action="household.create", obj=household)
    return household


@transaction.atomic
def household_update(
    *, actor, household: Household, data: HouseholdData, expected_version: int
) -> Household:
    """Save an edit only if nobody changed the household since ``expected_version`` was read."""
    _check_head_free(data, exclude_pk=household.pk)
    changed = Household.objects.filter(pk=household.pk, version=expected_version).update(
        **data.field_values(), version=F("version") + 1
    )
    if changed != 1:
        raise ConflictError(
            _("Someone else changed this household while you were editing. Reload and try again.")
        )
    household.refresh_from_db()
    household.tags.set(data.tags)
    audit_record(actor=actor, action="household.update", obj=household)
    return household
