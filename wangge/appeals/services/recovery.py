"""A resident who lost the ticket number finds their requests again: a one-time code goes to
the phone they gave (through the notification backend), and the phone with that code lists
the phone's requests. The same answer whether or not the number sent any request."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from wangge.appeals.models import Appeal
from wangge.appeals.services.intake import phone_index
from wangge.core.identity import IdentityError, parse_phone
from wangge.core.notify import notify

CODE_SECONDS = 10 * 60
CODE_TRIES = 5


def _key(phone: str) -> str:
    return f"wangge:recover:{phone_index(phone)}"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _phone(raw: str) -> str:
    try:
        return parse_phone(raw or "", allow_landline=True)
    except IdentityError:
        return ""


def appeal_recovery_start(*, phone: str) -> None:
    """Text a six-digit code to ``phone`` when it sent any request; nothing otherwise."""
    phone = _phone(phone)
    if not phone or not Appeal.objects.filter(blind_index=phone_index(phone)).exists():
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(_key(phone), {"digest": _digest(code), "tries": 0}, timeout=CODE_SECONDS)
    notify(
        subject=_("Your code to find your requests: %(code)s (valid for 10 minutes).")
        % {"code": code},
        phone=phone,
    )


def appeal_recovery_check(*, phone: str, code: str) -> bool:
    """True once for the right code within its time; five wrong tries spend it."""
    phone = _phone(phone)
    code = (code or "").strip()
    if not phone or not code:
        return False
    key = _key(phone)
    held = cache.get(key)
    if not held:
        return False
    if hmac.compare_digest(held["digest"], _digest(code)):
        cache.delete(key)
        return True
    held["tries"] += 1
    if held["tries"] >= CODE_TRIES:
        cache.delete(key)
    else:
        cache.set(key, held, timeout=CODE_SECONDS)
    return False
