import datetime

from django.contrib.auth import authenticate
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from wangge.accounts.tokens import token_issue, token_revoke
from wangge.accounts.twofactor import needs_two_factor, two_factor_check
from wangge.core.api_helpers import ErrorOut

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
    if user is None:
        return Status(
            401, {"code": "unauthorized", "message": _("The user name or password is wrong.")}
        )
    if needs_two_factor(user) and (not payload.otp or two_factor_check(user, payload.otp) is None):
        return Status(
            401,
            {
                "code": "otp_required",
                "message": _(
                    "This account needs the 6-digit code from its authenticator app in 'otp'."
                ),
            },
        )
    raw, token = token_issue(user=user)
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
