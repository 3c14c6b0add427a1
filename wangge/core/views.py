from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def not_found(request, exception=None):
    """404 for every unmatched URL: JSON under /api/, the site's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    """403 in plain words: the reason the service gave, or what to do about it."""
    message = str(exception) if exception is not None and str(exception) else ""
    if request.path_info.startswith("/api/"):
        text = message or _("You may not change this.")
        return JsonResponse({"code": "forbidden", "message": text}, status=403)
    return render(request, "403.html", {"message": message}, status=403)


def locked_out(request, credentials, *args, **kwargs):
    """django-axes lockout: JSON for API clients, a page that says what to do for people."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "code": "locked",
                "message": _(
                    "Too many failed logins: this account is locked for 15 minutes. "
                    "Wait and try again, or ask the township administrator."
                ),
            },
            status=429,
        )
    return render(request, "accounts/locked.html", status=429)
