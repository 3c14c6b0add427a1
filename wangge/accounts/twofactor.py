"""Two-factor login (TOTP) for the administrator roles and the township administrator.

An authenticator is set up only with a one-time activation code that the security
administrator issues (page or ``wangge activation-code USERNAME``): a password alone no longer
lets whoever uses it first choose the account's second factor.
"""

import datetime
import hashlib
import io
import secrets

import qrcode
import qrcode.image.svg
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge.accounts.models import ActivationCode, Role
from wangge.accounts.scope import has_role
from wangge.audit.services import audit_record

TWO_FACTOR_ROLES = {
    Role.TOWNSHIP_ADMIN,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
}
ACTIVATION_LIFETIME = datetime.timedelta(hours=72)
# Crockford's base 32: no I, L, O or U to misread when the code is read out or copied.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 10  # 50 bits


def needs_two_factor(user) -> bool:
    # The user's role assignments are read once per request and shared with the scope checks
    # and the menu (``wangge.accounts.scope``), so this costs no query of its own.
    return has_role(user, *TWO_FACTOR_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (made on first call, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def enrolment_restart(user) -> None:
    """Forget any half-set-up authenticator: its key may have been shown to someone else."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


# --- activation codes -------------------------------------------------------------------


def _normalise(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def _code_hash(raw: str) -> str:
    return hashlib.sha256(f"wangge-activation:{_normalise(raw)}".encode()).hexdigest()


def _require_security_admin(actor) -> None:
    # ``actor`` None is the command line (``wangge activation-code``), run by the operator.
    if actor is not None and not has_role(actor, Role.SECURITY_ADMIN):
        raise PermissionDenied(_("Only the security administrator may do this."))


@transaction.atomic
def activation_code_issue(*, actor, user, reset: bool = False) -> str:
    """A new one-time code for ``user`` to set up an authenticator; earlier unused codes stop
    working. With ``reset`` the user's authenticators are removed first (a lost phone)."""
    _require_security_admin(actor)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(
            _("Administrators cannot issue activation codes to themselves; ask another one.")
        )
    now = timezone.now()
    if reset:
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="2fa.reset", obj=user, detail={"devices": removed})
    ActivationCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    raw = "".join(secrets.choice(_ALPHABET) for _i in range(_CODE_LENGTH))
    ActivationCode.objects.create(
        user=user,
        code_hash=_code_hash(raw),
        issued_by=actor,
        expires_at=now + ACTIVATION_LIFETIME,
    )
    audit_record(actor=actor, action="2fa.activation_code", obj=user)
    return f"{raw[:5]}-{raw[5:]}"


def activation_code_valid(user, raw: str) -> ActivationCode | None:
    if not _normalise(raw):
        return None
    return ActivationCode.objects.filter(
        user=user,
        code_hash=_code_hash(raw),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()


ACTIVATION_TRIES = 5  # wrong codes per user in 15 minutes before further tries are refused


def _tries_key(user) -> str:
    return f"wangge:activation-tries:{user.pk}"


def activation_tries_left(user) -> int:
    return max(0, ACTIVATION_TRIES - (cache.get(_tries_key(user)) or 0))


def activation_failure_record(user) -> None:
    key = _tries_key(user)
    cache.add(key, 0, timeout=15 * 60)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=15 * 60)


def activation_pending(user, code_id) -> ActivationCode | None:
    """The accepted code kept in the session, while it is still unused and unexpired."""
    if not isinstance(code_id, int):
        return None
    return ActivationCode.objects.filter(
        pk=code_id, user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def two_factor_confirm(*, user, device: TOTPDevice, token: str, activation: ActivationCode) -> bool:
    """Confirm the new authenticator with its first code, using up the activation code."""
    if not device.verify_token((token or "").strip()):
        return False
    used = ActivationCode.objects.filter(
        pk=activation.pk, user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if not used:
        return False
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=user, action="2fa.enrol", obj=user, detail={"activation_code": activation.pk}
    )
    return True


def two_factor_check(user, token: str) -> TOTPDevice | None:
    return match_token(user, (token or "").strip())
