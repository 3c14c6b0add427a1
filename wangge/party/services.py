"""Writes for organisations and members. Forms, imports and the API all validate through here."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import ConflictError
from wangge.core.identity import IdentityError, mask_id, mask_phone, parse_id_number, parse_phone
from wangge.party.hooks import members_created
from wangge.party.models import Member, Organisation
from wangge.regions.codes import township_of
from wangge.regions.models import Region


@dataclass
class MemberData:
    """A validated member record, ready to write."""

    name: str
    id_number: str
    id_hash: str
    gender: str
    birth_date: datetime.date
    phone: str
    organisation: Organisation
    area: Region
    joined_on: datetime.date | None
    is_mobile: bool
    mobile_whereabouts: str

    def field_values(self) -> dict:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "id_hash": self.id_hash,
            "id_masked": mask_id(self.id_number),
            "gender": self.gender,
            "birth_date": self.birth_date,
            "phone": self.phone,
            "phone_masked": mask_phone(self.phone),
            "organisation": self.organisation,
            "area": self.area,
            "area_code": self.area.code,
            "township_code": township_of(self.area.code) or "",
            "joined_on": self.joined_on,
            "is_mobile": self.is_mobile,
            "mobile_whereabouts": self.mobile_whereabouts if self.is_mobile else "",
        }


def member_validate(
    *,
    name: str,
    id_number: str,
    phone: str,
    organisation: Organisation | None,
    area: Region | None,
    birth_date: datetime.date | None = None,
    joined_on: datetime.date | None = None,
    is_mobile: bool = False,
    mobile_whereabouts: str = "",
    today: datetime.date | None = None,
) -> MemberData:
    """Check one member's fields; raise ValidationError keyed by field with what to fix."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the member's name.")
    elif len(name) > 50:
        errors["name"] = _("A name can have at most 50 characters.")
    parsed = None
    try:
        parsed = parse_id_number(id_number, today=today)
    except IdentityError as exc:
        errors["id_number"] = str(exc)
    if parsed and birth_date and birth_date != parsed.birth_date:
        errors["birth_date"] = _(
            "The birth date %(given)s does not match the ID number, which says %(id)s."
        ) % {"given": birth_date.isoformat(), "id": parsed.birth_date.isoformat()}
    clean_phone = ""
    if phone and str(phone).strip():
        try:
            clean_phone = parse_phone(phone)
        except IdentityError as exc:
            errors["phone"] = str(exc)
    if organisation is None:
        errors["organisation"] = _("Choose the member's branch.")
    if area is None:
        errors["area"] = _("Choose the area where the member lives.")
    if joined_on and parsed and joined_on < parsed.birth_date:
        errors["joined_on"] = _("The date of joining the Party is before the birth date.")
    if joined_on and joined_on > today:
        errors["joined_on"] = _("The date of joining the Party is in the future.")
    if is_mobile and not (mobile_whereabouts or "").strip():
        errors["mobile_whereabouts"] = _("Say where the mobile member is now (city or employer).")
    if errors:
        raise ValidationError(errors)
    assert parsed is not None and organisation is not None and area is not None
    return MemberData(
        name=name,
        id_number=parsed.value,
        id_hash=blind_index(parsed.value),
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        phone=clean_phone,
        organisation=organisation,
        area=area,
        joined_on=joined_on,
        is_mobile=bool(is_mobile),
        mobile_whereabouts=(mobile_whereabouts or "").strip(),
    )


def _check_id_free(data: MemberData, *, exclude_pk: int | None = None) -> None:
    clash = Member.objects.filter(id_hash=data.id_hash).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"id_number": _("This ID number already belongs to another member in the registry.")}
        )


@transaction.atomic
def member_create(*, actor, data: MemberData) -> Member:
    _check_id_free(data)
    member = Member(**data.field_values())
    member.save()
    members_created(Member.objects.filter(pk=member.pk))
    audit_record(actor=actor, action="member.create", obj=member)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, data: MemberData, expected_version: int) -> Member:
    """Save an edit only if nobody changed the member since ``expected_version`` was read."""
    _check_id_free(data, exclude_pk=member.pk)
    values = data.field_values()
    changed = Member.objects.filter(pk=member.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if changed != 1:
        raise ConflictError(
            _("Someone else changed this member while you were editing. Reload and try again.")
        )
    member.refresh_from_db()
    audit_record(actor=actor, action="member.update", obj=member, detail={"fields": sorted(values)})
    return member


@transaction.atomic
def organisation_create(
    *, actor, name: str, kind: str, category: str, area: Region, parent: Organisation | None
) -> Organisation:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Enter a name of at most 100 characters.")
    elif Organisation.objects.filter(area=area, name=name).exists():
        errors["name"] = _("An organisation of this name already exists in this area.")
    # A parent above the township level (a county committee) contains every township.
    if parent is not None and not area.code.startswith(
        township_of(parent.area_code) or parent.area_code
    ):
        errors["parent_id"] = _("The parent organisation must be in the same township.")
    if errors:
        raise ValidationError(errors)
    org = Organisation(name=name, kind=kind, category=category, parent=parent)
    org.set_area(area)
    org.save()
    audit_record(actor=actor, action="organisation.create", obj=org)
    return org


@transaction.atomic
def organisation_rename(*, actor, organisation: Organisation, name: str) -> Organisation:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Enter a name of at most 100 characters.")})
    clash = Organisation.objects.filter(area=organisation.area, name=name).exclude(
        pk=organisation.pk
    )
    if clash.exists():
        raise ValidationError(
            {"name": _("An organisation of this name already exists in this area.")}
        )
    Organisation.objects.filter(pk=organisation.pk).update(name=name)
    organisation.name = name
    audit_record(actor=actor, action="organisation.rename", obj=organisation)
    return organisation
