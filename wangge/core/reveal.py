"""The audited reveal of full numbers (ID, phone) that pages otherwise show masked.

The caller has already decided that the user may see them; this records who looked, at
what, for which of the township's purposes and why, and hands back the values.
"""

import unicodedata
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.audit.services import audit_record
from wangge.core.models import RevealPurpose
from wangge.regions.codes import township_of

CONTACT = "contact"
# Seeded for every township on first use; the township office edits the list afterwards.
DEFAULT_PURPOSES = [
    (CONTACT, "联系农户"),
    ("dibao", "办理低保"),
    ("medical", "医保报销"),
    ("hukou", "户籍核对"),
    ("assistance", "帮扶申报"),
    ("pension", "养老保险办理"),
]
# A reason needs this many letters, digits or CJK characters once spaces, invisible characters
# (zero-width spaces), punctuation and symbols are taken out.
MIN_REASON_CHARACTERS = 4


def real_characters(text: str) -> int:
    """Letters, digits and ideographs in ``text``: what a person actually wrote."""
    return sum(1 for ch in text or "" if unicodedata.category(ch)[0] in {"L", "N"})


def validate_reason(text: str) -> str:
    text = (text or "").strip()
    if real_characters(text) < MIN_REASON_CHARACTERS:
        raise ValidationError(
            _(
                "Write what the number is needed for in at least %(n)d characters, "
                "for example which application or whose case."
            )
            % {"n": MIN_REASON_CHARACTERS}
        )
    return text


@transaction.atomic
def purposes_seed(township_code: str) -> None:
    """Give a township the default purposes it does not have yet (idempotent)."""
    for sort, (code, name) in enumerate(DEFAULT_PURPOSES, start=1):
        RevealPurpose.objects.get_or_create(
            township_code=township_code, code=code, defaults={"name": name, "sort": sort * 10}
        )


def purposes_for_area(area_code: str, *, active_only: bool = True) -> QuerySet:
    """The purposes of the township ``area_code`` lies in (seeded on first use)."""
    township = township_of(area_code) or ""
    qs = RevealPurpose.objects.filter(township_code=township)
    if township and not qs.exists():
        purposes_seed(township)
    return qs.filter(active=True) if active_only else qs


def contact_purpose(area_code: str) -> RevealPurpose:
    """The township's "联系农户" purpose, behind the paired member's tap to call."""
    purposes_for_area(area_code, active_only=False)
    township = township_of(area_code) or ""
    purpose, _created = RevealPurpose.objects.get_or_create(
        township_code=township, code=CONTACT, defaults={"name": "联系农户", "sort": 10}
    )
    return purpose


def reveal(*, actor, obj, fields: Iterable[str], purpose: RevealPurpose, reason: str = "") -> dict:
    """Write one ``reveal`` audit row naming ``fields``, ``purpose`` and ``reason``; the fields'
    full values."""
    fields = list(fields)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="reveal",
            obj=obj,
            detail={"fields": fields, "purpose": purpose.name, "reason": reason},
        )
    return {field: getattr(obj, field) for field in fields}


# --- the township office's list ---------------------------------------------------------


def purpose_townships(user) -> list[str]:
    """Townships whose purposes the user maintains (the township office)."""
    return sorted({t for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN}) if (t := township_of(p))})


def _require_office(actor, township_code: str) -> None:
    if township_code not in purpose_townships(actor):
        raise PermissionDenied(_("Only the township's organisation office may change this list."))


@transaction.atomic
def purpose_add(*, actor, township_code: str, name: str) -> RevealPurpose:
    _require_office(actor, township_code)
    name = (name or "").strip()
    if real_characters(name) < 2:
        raise ValidationError({"name": _("Name the purpose in at least 2 characters.")})
    if RevealPurpose.objects.filter(township_code=township_code, name=name).exists():
        raise ValidationError({"name": _("This purpose is already on the list.")})
    purpose = RevealPurpose.objects.create(township_code=township_code, name=name)
    audit_record(
        actor=actor,
        action="reveal_purpose.add",
        obj=purpose,
        area_code=township_code,
        detail={"name": name},
    )
    return purpose


@transaction.atomic
def purpose_set_active(*, actor, purpose: RevealPurpose, active: bool) -> None:
    _require_office(actor, purpose.township_code)
    if purpose.code == CONTACT and not active:
        raise ValidationError(
            _("%(name)s is used by the members' tap to call and stays on the list.")
            % {"name": purpose.name}
        )
    RevealPurpose.objects.filter(pk=purpose.pk).update(active=active)
    audit_record(
        actor=actor,
        action="reveal_purpose.enable" if active else "reveal_purpose.disable",
        obj=purpose,
        area_code=purpose.township_code,
        detail={"name": purpose.name},
    )
