"""Audit rows for logins and failed logins (S13)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wangge.accounts.throttle import THROTTLED, login_failure_record, login_success_clear
from wangge.audit.services import audit_record


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="login", obj=user, detail={"ip": _address(request)})
    login_success_clear(user.get_username())


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="logout", obj=user, detail={"ip": _address(request)})


@receiver(user_login_failed)
def _on_failure(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    paused = getattr(request, THROTTLED, 0) if request is not None else 0
    detail = {"username": username, "ip": _address(request)}
    if paused:
        detail["paused"] = True
    audit_record(actor=None, action="login.failed", detail=detail)
    if not paused:
        login_failure_record(username)
