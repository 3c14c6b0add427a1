"""Issuing, checking and revoking API bearer tokens."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import ApiToken
from wangge.audit.services import audit_record

TOKEN_LIFETIME = datetime.timedelta(days=30)
TOKEN_PREFIX = "wg_"


class TokenError(Exception):
    """A token that cannot be used; the message says why."""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user, lifetime: datetime.timedelta = TOKEN_LIFETIME) -> tuple[str, ApiToken]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=_hash(raw), prefix=raw[:8], expires_at=timezone.now() + lifetime
    )
    audit_record(actor=user, action="token.issue", obj=token)
    return raw, token


def token_check(raw: str) -> ApiToken:
    if not raw.startswith(TOKEN_PREFIX) or not 20 <= len(raw) <= 100:
        raise TokenError(_("The token is malformed. Request a new one at /api/v1/auth/token."))
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw)).first()
    if token is None:
        raise TokenError(_("The token is not known. Request a new one at /api/v1/auth/token."))
    if token.revoked_at is not None:
        raise TokenError(_("The token has been revoked. Request a new one."))
    if token.expires_at <= timezone.now():
        raise TokenError(_("The token has expired. Request a new one."))
    if not token.user.is_active:
        raise TokenError(_("The account of this token is disabled."))
    return token


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(actor=actor, action="token.revoke", obj=token)
