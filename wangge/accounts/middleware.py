from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from wangge.accounts.twofactor import needs_two_factor

_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/jsi18n/")


class TwoFactorRequiredMiddleware:
    """Users whose roles demand it reach nothing until they pass the TOTP step."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        path = request.path_info
        if (
            user.is_authenticated
            and not path.startswith(_OPEN_PREFIXES)
            and not path.startswith("/api/")
            and not user.is_verified()
            and needs_two_factor(user)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': path})}")
        return self.get_response(request)
