import datetime

from django.contrib.auth import authenticate
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.models import Role
from wangge.accounts.selectors import users_for_admin
from wangge.accounts.services import require_role
from wangge.accounts.throttle import THROTTLED, login_success_clear, pause_message
from wangge.accounts.tokens import (
    token_for_owner,
    token_issue,
    token_revoke,
    tokens_of,
    tokens_revoke_all,
)
from wangge.accounts.twofactor import needs_two_factor, two_factor_check
from wangge.core.api_helpers import READ_ERRORS, WRITE_ERRORS, ErrorOut, Page

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: datetime.datetime


@router.post(
    "/token",
    auth=None,
    response={
        200: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def token_create(request, payload: TokenIn):
    """Exchange a user name and password for a bearer token (valid 30 days)."""
    # django-axes records failures from request.POST; this body is JSON, so give it an empty
    # form rather than let a malformed multipart header fail there.
    request._post, request._files = QueryDict(), MultiValueDict()
    user = authenticate(request, username=payload.username, password=payload.password)
    paused = getattr(request, THROTTLED, 0)
    if user is None and paused:
        return Status(429, {"code": "locked", "message": pause_message(paused)})
    if user is None:
        return Status(
            401, {"code": "unauthorized", "message": _("The user name or password is wrong.")}
        )
    device = None
    if needs_two_factor(user):
        device = two_factor_check(user, payload.otp) if payload.otp else None
    if needs_two_factor(user) and device is None:
        return Status(
            401,
            {
                "code": "otp_required",
                "message": _(
                    "This account needs the 6-digit code from its authenticator app in 'otp'."
                ),
            },
        )
    login_success_clear(user.get_username())
    raw, token = token_issue(user=user, otp_device=device)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@router.delete("/token", response={204: None, 400: ErrorOut, 401: ErrorOut})
def token_delete(request):
    """Revoke the bearer token this request was made with."""
    token = getattr(request, "api_token", None)
    if token is None:
        return Status(
            400, {"code": "no_token", "message": _("This request was not made with a token.")}
        )
    token_revoke(actor=request.user, token=token)
    return Status(204, None)


class TokenInfoOut(Schema):
    id: int
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    current: bool


class RevokedOut(Schema):
    revoked: int


@router.get("/tokens", response={200: list[TokenInfoOut], **READ_ERRORS})
@paginate(Page)
def token_index(request):
    """The caller's tokens still in force (the secret itself is never shown again)."""
    current = getattr(request, "api_token", None)
    current_pk = current.pk if current is not None else None
    return [
        {
            "id": t.pk,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "current": t.pk == current_pk,
        }
        for t in tokens_of(request.user)
    ]


@router.delete("/tokens/{int:token_id}", response={204: None, **WRITE_ERRORS})
def token_remove(request, token_id: int):
    """Revoke one of the caller's own tokens."""
    token = token_for_owner(request.user, token_id)
    if token is None:
        raise Http404
    token_revoke(actor=request.user, token=token)
    return Status(204, None)


@router.post("/users/{int:user_id}/tokens/revoke", response={200: RevokedOut, **WRITE_ERRORS})
def user_tokens_revoke(request, user_id: int):
    """System administrator: revoke every token of a user in the administrator's areas."""
    require_role(request.user, Role.SYSTEM_ADMIN)
    user = get_object_or_404(users_for_admin(request.user), pk=user_id)
    return Status(200, {"revoked": tokens_revoke_all(actor=request.user, user=user)})
