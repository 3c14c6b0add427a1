import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Deny by default for pages; the API under /api/ answers 401 with its own auth instead."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RejectNulMiddleware:
    """Refuse input containing the NUL character: PostgreSQL cannot store it in text, and no
    person types it, so it is either a broken client or a probe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("The request contains a NUL character (\\0); remove it and try again.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"code": "invalid", "message": message}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
            "QUERY_STRING", ""
        ):
            return True
        if "\x00" in request.path or "%00" in request.META.get("PATH_INFO", ""):
            return True
        if request.method in {"POST", "PUT", "PATCH"}:
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith("multipart/form-data"):
                return False  # file uploads are binary; their fields are checked by forms
            body = request.body
            if b"\x00" in body:
                return True
            if content_type.startswith("application/json"):
                return b"\\u0000" in body
            return b"%00" in body
        return False


class SessionRefreshMiddleware:
    """Slide a signed-in session's expiry (``SESSION_COOKIE_AGE`` after the last request) by
    saving it at most once every ``WANGGE_SESSION_REFRESH_SECONDS`` instead of on every
    request (``SESSION_SAVE_EVERY_REQUEST`` writes the session row on every page view).

    A session therefore ends between ``SESSION_COOKIE_AGE - WANGGE_SESSION_REFRESH_SECONDS``
    and ``SESSION_COOKIE_AGE`` after the last request. Sits just inside ``SessionMiddleware``.
    """

    KEY = "_wangge_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key:
            return response  # no session cookie: nothing to keep alive
        now = int(time.time())
        if session.modified:
            session[self.KEY] = now  # saved anyway: restart the clock
            return response
        last = session.get(self.KEY)  # loads the session if nothing did
        if not session.session_key:
            return response  # the cookie named no live session
        every = getattr(settings, "WANGGE_SESSION_REFRESH_SECONDS", 60)
        if not isinstance(last, int) or not 0 <= now - last < every:
            session[self.KEY] = now
        return response


def session_renewed_at_login(sender, request, user, **kwargs):
    """A login saves the session: start its renewal clock there, so the next request does not
    write it again (``SessionRefreshMiddleware``)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionRefreshMiddleware.KEY] = int(time.time())


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the person chose another language with the header's switch.

    Django's ``LocaleMiddleware`` follows the browser's Accept-Language, so a member whose
    phone is set to English got English pages; the SPEC says Chinese by default. Only the
    language cookie that ``set_language`` writes (the header's switch) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = settings.LANGUAGE_CODE
        if chosen and translation.check_for_language(chosen):
            supported = {code for code, _name in settings.LANGUAGES}
            if chosen in supported:
                language = chosen
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response
