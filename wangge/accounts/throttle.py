"""Login throttling per account, counted in the shared cache.

The first failures of a user name cost nothing; from the fifth on, logins to that account pause
for a growing delay (1, 2, 4, then at most 5 minutes), whatever address they come from. A try
during a pause is refused without looking at the password and does not lengthen it, so a
stranger can hold a colleague's account for minutes at a time, never for long. Guessing from one
address across many user names is django-axes' part (``AXES_*`` settings: per address only).
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

# Attribute set on the request when the throttle refused a login (for the view's message).
THROTTLED = "wangge_login_pause_seconds"


def _policy() -> dict:
    return settings.WANGGE_LOGIN_THROTTLE


def _key(username: str) -> str:
    digest = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"wangge:login:{digest}"


def _pause_after(failures: int) -> int:
    """Seconds of pause after ``failures`` consecutive failures."""
    policy = _policy()
    if failures <= policy["free_failures"]:
        return 0
    over = failures - policy["free_failures"] - 1
    return min(policy["first_pause"] * 2**over, policy["max_pause"])


def login_pause_remaining(username: str) -> int:
    """Seconds until the account may try again (0: now)."""
    state = cache.get(_key(username))
    if not state:
        return 0
    return max(0, math.ceil(state["until"] - time.time()))


def login_failure_record(username: str) -> None:
    state = cache.get(_key(username)) or {"failures": 0, "until": 0}
    if state["until"] > time.time():
        return  # refused during a pause: it does not count
    failures = state["failures"] + 1
    until = time.time() + _pause_after(failures)
    cache.set(_key(username), {"failures": failures, "until": until}, _policy()["forget_after"])


def login_success_clear(username: str) -> None:
    cache.delete(_key(username))


def pause_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _(
        "Too many wrong passwords for this account: logins to it are paused. "
        "Try again in %(minutes)d minutes. If the wrong tries were not yours, "
        "tell the township administrator."
    ) % {"minutes": minutes}


class LoginThrottleBackend:
    """First in line after axes: refuses, for the pause, every login to a paused account.

    No ``get_user``: it authenticates nobody, so no session names it as its backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        remaining = login_pause_remaining(username)
        if remaining:
            if request is not None:
                setattr(request, THROTTLED, remaining)
            raise PermissionDenied
        return None
