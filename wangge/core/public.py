"""Abuse protection for the public pages (the grid's request form, the returnee register): a
signed arithmetic question, a honeypot, a minimum fill-in time, and cache-based rate limits per
phone and per IP address.

No external captcha: residents on cheap phones and intranets must not depend on a third
party. Limits are settings (``WANGGE_PUBLIC_LIMITS``) so a county can tune them.
"""

import secrets
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

SALT = "wangge.appeals.public-form"
DEFAULT_LIMITS = {
    "submit_per_phone": (3, 3600),  # requests per phone per hour
    "submit_per_ip": (10, 3600),  # requests per IP address per hour
    "track_per_ip": (30, 3600),  # tracking look-ups per IP address per hour
    "recover_per_phone": (3, 3600),  # codes texted to one phone per hour (lost tickets)
    "vote_per_phone": (5, 3600),  # ratings and objections per phone per hour (member pages)
    "vote_per_ip": (20, 3600),  # ratings and objections per IP address per hour
    "min_seconds": 3,  # a person needs longer than this to fill the form
    "max_age": 2 * 3600,  # a form stays valid this long
}


def limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "WANGGE_PUBLIC_LIMITS", {})}


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def challenge_new(salt: str = SALT) -> Challenge:
    """A sum to answer; each public form signs with its own ``salt``, so a token from one form
    is no good on another."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "t": int(time.time()), "k": uuid.uuid4().hex}, salt=salt)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def challenge_check(token: str, answer: str, honeypot: str, salt: str = SALT) -> str:
    """The form's idempotency key when the challenge passes; raise ValueError with a reason."""
    settings_ = limits()
    if honeypot:
        raise ValueError(_("The form could not be sent. Please try again."))
    try:
        data = signing.loads(token or "", salt=salt, max_age=settings_["max_age"])
    except signing.BadSignature:
        raise ValueError(
            _("The form has expired. The page was reloaded; please send it again.")
        ) from None
    if time.time() - data["t"] < settings_["min_seconds"]:
        raise ValueError(_("That was very fast. Check your answers and send the form again."))
    try:
        correct = int((answer or "").strip()) == data["a"] + data["b"]
    except ValueError:
        correct = False
    if not correct:
        raise ValueError(_("The answer to the sum is not right; try again."))
    return f"public:{data['k']}"


def client_ip(request) -> str:
    # REMOTE_ADDR only: behind a reverse proxy, configure it to set REMOTE_ADDR (e.g. gunicorn
    # --forwarded-allow-ips) rather than trusting a header a client can forge.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(kind: str, who: str) -> bool:
    """Count one attempt; True when ``who`` has used up its allowance for ``kind``."""
    count, window = limits()[kind]
    key = f"wangge:rl:{kind}:{who}"
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        used = 1
    return used > count


def rate_limit_peek(kind: str, who: str) -> bool:
    count, _window = limits()[kind]
    return (cache.get(f"wangge:rl:{kind}:{who}") or 0) >= count
