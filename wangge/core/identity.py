"""Chinese identity conventions: GB 11643 ID numbers, mobile numbers and masking."""

import datetime
import re
from dataclasses import dataclass
from operator import mul

from django.utils import timezone
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＡ－", "0123456789XxA-")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class IdentityError(ValueError):
    """A value that is not a valid identity number or phone; the message says what to fix."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: datetime.date
    gender: str  # "M" or "F"


def check_character(first17: str) -> str:
    total = sum(map(mul, map(int, first17[:17]), _WEIGHTS))  # runs per row of big imports
    return _CHECK[total % 11]


def normalise_text(raw: str) -> str:
    return str(raw).translate(_FULLWIDTH).strip().replace(" ", "")


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate a national ID (18 digits, or 15-digit old form converted to 18)."""
    text = normalise_text(raw).upper()
    if not text:
        raise IdentityError(_("The ID number is empty."))
    if len(text) == 15 and text.isdigit():
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_character(first17)
    if len(text) != 18:
        raise IdentityError(
            _("An ID number has 18 characters; this one has %(n)d. Check for missing digits.")
            % {"n": len(text)}
        )
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise IdentityError(
            _("An ID number is 17 digits followed by a digit or X; this one has other characters.")
        )
    try:
        birth = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise IdentityError(
            _("Characters 7–14 of an ID number are the birth date (YYYYMMDD); %(d)s is not a date.")
            % {"d": text[6:14]}
        ) from exc
    today = today or timezone.localdate()
    if birth > today or birth.year < 1890:
        raise IdentityError(
            _("The birth date in the ID number (%(d)s) is not possible.") % {"d": birth.isoformat()}
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise IdentityError(
            _("The last character of this ID number should be %(c)s; check it was typed correctly.")
            % {"c": expected}
        )
    gender = "M" if int(text[16]) % 2 else "F"
    return IdNumber(value=text, birth_date=birth, gender=gender)


def parse_phone(raw: str, *, allow_landline: bool = False) -> str:
    text = normalise_text(raw).replace("-", "") if not allow_landline else normalise_text(raw)
    if text.startswith("+86"):
        text = text[3:]
    if MOBILE_RE.match(text.replace("-", "")):
        return text.replace("-", "")
    if allow_landline and LANDLINE_RE.match(text):
        return text
    if allow_landline:
        raise IdentityError(
            _("Enter an 11-digit mobile number starting with 1, or a landline with area code.")
        )
    raise IdentityError(_("Enter an 11-digit mobile number starting with 1 (e.g. 13912345678)."))


def mask_id(value: str) -> str:
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    return value[:-4].translate(str.maketrans("0123456789", "**********")) + value[-4:]


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
