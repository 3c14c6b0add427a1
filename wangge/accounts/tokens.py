"""Issuing, checking and revoking API bearer tokens.

A token carries the rules it was issued under: the password's fingerprint and whether (and
with which authenticator) the second factor was given. A token is refused once the password
changes, its authenticator is removed, or the user's roles come to need a second factor the
token was issued without.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from wangge.accounts.models import ApiToken, Role
from wangge.accounts.scope import has_role
from wangge.accounts.twofactor import needs_two_factor
from wangge.audit.services import audit_record

TOKEN_LIFETIME = datetime.timedelta(days=30)
TOKEN_PREFIX = "wg_"


class TokenError(Exception):
    """A token that cannot be used; the message says why, ``code`` names the reason."""

    def __init__(self, message: str, code: str = "unauthorized"):
        super().__init__(message)
        self.code = code


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_stamp(user) -> str:
    """A fingerprint of the user's password hash: changes whenever the password does."""
    return salted_hmac("wangge.api-token.password", user.password, algorithm="sha256").hexdigest()


@transaction.atomic
def token_issue(
    *, user, otp_device=None, lifetime: datetime.timedelta = TOKEN_LIFETIME
) -> tuple[str, ApiToken]:
    """A new token; ``otp_device`` is the authenticator whose code the caller checked."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + lifetime,
        password_stamp=password_stamp(user),
        otp_verified=otp_device is not None,
        otp_device=otp_device,
    )
    audit_record(actor=user, action="token.issue", obj=token)
    return raw, token


def token_check(raw: str) -> ApiToken:
    if not raw.startswith(TOKEN_PREFIX) or not 20 <= len(raw) <= 100:
        raise TokenError(_("The token is malformed. Request a new one at /api/v1/auth/token."))
    token = (
        ApiToken.objects.select_related("user", "otp_device").filter(key_hash=_hash(raw)).first()
    )
    if token is None:
        raise TokenError(_("The token is not known. Request a new one at /api/v1/auth/token."))
    if token.revoked_at is not None:
        raise TokenError(_("The token has been revoked. Request a new one."), "token_revoked")
    if token.expires_at <= timezone.now():
        raise TokenError(_("The token has expired. Request a new one."))
    user = token.user
    if not user.is_active:
        raise TokenError(_("The account of this token is disabled."))
    if token.password_stamp != password_stamp(user):
        raise TokenError(
            _("The password was changed after this token was issued. Request a new one."),
            "token_revoked",
        )
    if token.otp_verified and (token.otp_device is None or not token.otp_device.confirmed):
        raise TokenError(
            _(
                "The authenticator this token was issued with has been removed. "
                "Set up the second login step again, then request a new token."
            ),
            "token_revoked",
        )
    if not token.otp_verified and needs_two_factor(user):
        raise TokenError(
            _(
                "This account now needs the second login step. Request a new token with the "
                "6-digit code from the authenticator app in 'otp'."
            ),
            "otp_required",
        )
    return token


def tokens_of(user) -> QuerySet:
    """The user's tokens still in force (not revoked, not expired), newest first."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def token_for_owner(user, pk: int) -> ApiToken | None:
    return tokens_of(user).filter(pk=pk).first()


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(actor=actor, action="token.revoke", obj=token)


@transaction.atomic
def tokens_revoke_all(*, actor, user) -> int:
    """Revoke every token of ``user`` (the user or a system administrator); the number revoked.
    Audited once, on the user."""
    if actor.pk != user.pk and not has_role(actor, Role.SYSTEM_ADMIN):
        raise PermissionDenied(_("Only the system administrator may revoke another user's tokens."))
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(actor=actor, action="token.revoke_all", obj=user, detail={"count": count})
    return count
