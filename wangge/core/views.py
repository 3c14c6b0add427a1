import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from wangge.core.forms import errors_text


def show_error(request, exc: Exception) -> None:
    """Flash a service's refusal in its own words: a DomainError's message, a ValidationError's."""
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, getattr(exc, "message", None) or str(exc))


def show_form_errors(request, form) -> None:
    """Flash what was wrong with a posted form, each message once, for views that redirect."""
    messages.error(request, errors_text(form))


def redirect_back(request, next_url: str, to: str, *args, **kwargs):
    """Back to ``next_url`` when it is a page of this site, else to the named URL."""
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect(to, *args, **kwargs)


def _phone() -> str:
    return getattr(settings, "WANGGE_TOWNSHIP_PHONE", "")


def not_found(request, exception=None):
    """404 for every unmatched URL: JSON under /api/, the site's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    return render(request, "errors/404.html", {"township_phone": _phone()}, status=404)


def forbidden(request, exception=None):
    """403 in plain words: the reason the service gave, or what to do about it."""
    message = str(exception) if exception is not None and str(exception) else ""
    if request.path_info.startswith("/api/"):
        text = message or _("You may not change this.")
        return JsonResponse({"code": "forbidden", "message": text}, status=403)
    return render(request, "errors/403.html", {"message": message}, status=403)


def server_error(request=None):
    """500 without the database or a request context: the failure may be either of them.

    A lost database connection (the server restarting, the network to it down) is a 503 that
    says so: nothing the user did, try again in a minute. Django calls this handler inside its
    ``except`` block, wherever the error arose (a view or a middleware reading the session), so
    the exception is at hand. The next request opens a new connection (``CONN_HEALTH_CHECKS``):
    the site recovers by itself when the database is back.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if request is not None and request.path_info.startswith("/api/"):
        message = _("Something went wrong on our side. Please try again later.")
        return JsonResponse({"code": "server_error", "message": message}, status=500)
    html = loader.get_template("errors/500.html").render({"township_phone": _phone()})
    return HttpResponseServerError(html)


def database_unavailable(request=None) -> HttpResponse:
    """503 while the database cannot be reached; rendered without it."""
    message = _(
        "The site cannot reach its database at the moment. Nothing you did caused this. "
        "Please wait a minute and try again."
    )
    if request is not None and request.path_info.startswith("/api/"):
        response = JsonResponse({"code": "unavailable", "message": message}, status=503)
    else:
        html = loader.get_template("errors/503.html").render(
            {"message": message, "township_phone": _phone()}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    return response


def too_many_requests(request, message: str = "") -> HttpResponse:
    """429 for a rate limit: what happened, when to try again, whom to call meanwhile."""
    context = {"message": message, "township_phone": _phone()}
    return render(request, "errors/429.html", context, status=429)


def locked_out(request, credentials, *args, **kwargs):
    """django-axes lockout (too many failures from one address, whatever the user names):
    JSON for API clients, a page that says what happened for people."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many wrong logins from this network address, for any account: logins from here "
        "are paused for %(minutes)d minutes. Your account itself is not locked; if you share "
        "the office network, ask colleagues to check their passwords, or tell the township "
        "administrator."
    ) % {"minutes": minutes}
    return login_paused(request, message)


def login_paused(request, message: str) -> HttpResponse:
    """429 for a paused login, in the words of whatever paused it."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "locked", "message": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)
