"""Writes for households. Forms, imports and the API all validate through here."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import Role, RoleAssignment
from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import ConflictError
from wangge.core.identity import IdentityError, mask_id, mask_phone, parse_id_number, parse_phone
from wangge.core.notify import notify
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


# The one answer to every duplicate head, inside the user's area or not: it never says where the
# other household is, so the form is no oracle on ID numbers elsewhere (issue 15, finding 8).
DUPLICATE_HEAD = gettext_lazy(
    "This ID number is already registered as the head of a household. The township office has "
    "been asked to check the duplicate and will contact you."
)


def _check_head_free(*, actor, data: HouseholdData, exclude_pk: int | None = None) -> None:
    clash = (
        Household.objects.filter(head_id_hash=data.head_id_hash)
        .exclude(pk=exclude_pk)
        .only("pk", "area_code", "township_code")
        .first()
    )
    if clash is None:
        return
    _duplicate_route(actor=actor, data=data, existing=clash)
    raise ValidationError({"head_id_number": str(DUPLICATE_HEAD)})


def _duplicate_route(*, actor, data: HouseholdData, existing: Household) -> None:
    """Tell the township office(s) concerned, and record the attempt: they see both records and
    resolve the duplicate; the person entering it learns nothing about the other household.

    Its own savepoint, so it stays when the caller's form is refused; inside an import that is
    rolled back as a whole, it goes with it (a preview routes nothing)."""
    attempted_township = township_of(data.area.code) or ""
    townships = {attempted_township, existing.township_code} - {""}
    link = reverse("households:household_detail", args=[existing.pk])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="household.duplicate_head",
            obj=existing,
            detail={
                "attempted_area": data.area.code,
                "head_id_masked": mask_id(data.head_id_number),
            },
        )
        admins = (
            RoleAssignment.objects.filter(role=Role.TOWNSHIP_ADMIN, area__code__in=townships)
            .select_related("user", "area")
            .order_by("user_id")
        )
        for assignment in admins:
            sees_existing = existing.township_code == assignment.area.code
            notify(
                user=assignment.user,
                subject=_("Possible duplicate household: please check"),
                body=_(
                    "%(who)s tried to enter a household in %(area)s whose head's ID number "
                    "(%(masked)s) is already the head of another household. Check whether it is "
                    "the same family and correct the registry."
                )
                % {
                    "who": str(actor or ""),
                    "area": data.area.name,
                    "masked": mask_id(data.head_id_number),
                },
                link=link if sees_existing else "",
            )


def household_create(*, actor, data: HouseholdData) -> Household:
    # Checked before the write's transaction, so a refusal's routing is not rolled back with it
    # (the unique index on the head's ID hash still stops two simultaneous creations).
    _check_head_free(actor=actor, data=data)
    with transaction.atomic():
        household = Household(**data.field_values())
        household.save()
        household.tags.set(data.tags)
        audit_record(actor=actor, action="household.create", obj=household)
    return household


def household_update(
    *, actor, household: Household, data: HouseholdData, expected_version: int
) -> Household:
    """Save an edit only if nobody changed the household since ``expected_version`` was read."""
    _check_head_free(actor=actor, data=data, exclude_pk=household.pk)
    with transaction.atomic():
        return _household_update(
            actor=actor, household=household, data=data, expected_version=expected_version
        )


def _household_update(
    *, actor, household: Household, data: HouseholdData, expected_version: int
) -> Household:
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


def household_tags_change(
    *,
    actor,
    household: Household,
    add: list[str] = (),
    remove: list[str] = (),
    reason: str,
    source: str = "",
) -> list[str]:
    """Add and remove status tags by slug, for a stated reason (an accepted flag, a plan's
    outcome): one transaction, the household's version bumped, who, when and why audited and
    shown on its timeline. Returns the slugs that actually changed (``+slug`` / ``-slug``).

    Call inside the caller's transaction; the row lock makes a concurrent edit of the same
    household wait, and a concurrent form edit then fails on its expected version.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the household's tags change.")})
    wanted = set(add) | set(remove)
    tags = {t.slug: t for t in Tag.objects.filter(slug__in=wanted)}
    unknown = sorted(wanted - set(tags))
    if unknown:
        raise ValidationError(
            {"tags": _("There is no tag %(slugs)s.") % {"slugs": "、".join(unknown)}}
        )
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        current = set(locked.tags.values_list("slug", flat=True))
        adding = [s for s in add if s not in current and s not in remove]
        removing = [s for s in remove if s in current]
        if not adding and not removing:
            return []
        locked.tags.add(*(tags[s] for s in adding))
        locked.tags.remove(*(tags[s] for s in removing))
        Household.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action="household.tags_change",
            obj=locked,
            detail={"add": adding, "remove": removing, "reason": reason[:500], "source": source},
        )
    household.refresh_from_db()
    return [f"+{s}" for s in adding] + [f"-{s}" for s in removing]
