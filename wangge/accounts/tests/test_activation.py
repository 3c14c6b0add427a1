"""Issue 15, finding 10: an authenticator is set up only with an activation code the security
administrator issues, never by whoever first logs in with the password."""

import io
import re

from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import ActivationCode, Role
from wangge.accounts.twofactor import activation_code_issue
from wangge.audit.models import AuditEvent


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_login(client, username):
    client.post("/accounts/login/", {"username": username, "password": testing.PASSWORD})


def _enrol(client, activation: str) -> TOTPDevice | None:
    """Enter the activation code, then the first code of the new authenticator."""
    client.post("/accounts/2fa/", {"activation_code": activation, "next": "/"})
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.filter(confirmed=False).order_by("-id").first()
    if device is None:
        return None
    client.post("/accounts/2fa/", {"token": _code(device), "next": "/"})
    return device


def _secadmin(client):
    secadmin = testing.make_user("secadmin", Role.SECURITY_ADMIN, testing.TOWNSHIP)
    TOTPDevice.objects.create(user=secadmin, name="t", confirmed=True)
    client.force_login(secadmin)
    return secadmin


def _issue(client, user, reset=False) -> str:
    data = {"activation-user": user.pk}
    if reset:
        data["activation-reset"] = "on"
    page = client.post("/accounts/roles/activation/", data).content.decode()
    return re.search(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", page).group(1)


def test_password_alone_cannot_set_up_the_second_factor(client, regions):
    """GIVEN an administrator with no authenticator yet
    WHEN someone logs in with the password alone
    THEN no QR code or key is shown and no authenticator can be confirmed."""
    testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    _password_login(client, "sysadmin")
    page = client.get("/accounts/2fa/").content.decode()
    assert "<svg" not in page and "activation code" in page
    assert not TOTPDevice.objects.exists()
    client.post("/accounts/2fa/", {"token": "123456", "next": "/"})
    wrong = client.post("/accounts/2fa/", {"activation_code": "AAAAA-AAAAA", "next": "/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get("/members/").status_code == 302


def test_security_admin_issues_code_used_once_and_audited(client, regions):
    user = testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    secadmin = _secadmin(client)
    code = _issue(client, user)
    issued = AuditEvent.objects.get(action="2fa.activation_code")
    assert issued.actor == secadmin and issued.object_id == str(user.pk)

    client.logout()
    _password_login(client, "sysadmin")
    device = _enrol(client, code)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/accounts/users/").status_code == 200
    assert ActivationCode.objects.get(user=user).used_at is not None

    # Used up: after a reset without a new code, the old one does not open enrolment again.
    TOTPDevice.objects.filter(user=user).delete()
    client.logout()
    _password_login(client, "sysadmin")
    again = client.post("/accounts/2fa/", {"activation_code": code, "next": "/"})
    assert again.status_code == 400


def test_reset_removes_the_authenticator_and_its_tokens(client, regions):
    user = testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    TOTPDevice.objects.create(user=user, name="old phone", confirmed=True)
    raw = testing.api_token(user)
    _secadmin(client)
    _issue(client, user, reset=True)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="2fa.reset").exists()
    refused = client.get("/api/v1/households", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401


def test_only_the_security_admin_issues_codes(client, township_admin, regions):
    client.force_login(township_admin)
    assert client.post("/accounts/roles/activation/", {"activation-user": 1}).status_code == 403
    assert not ActivationCode.objects.exists()


def test_command_line_issues_a_working_code(client, regions):
    user = testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    out = io.StringIO()
    call_command("activation_code", "sysadmin", stdout=out)
    code = re.search(r"([0-9A-Z]{5}-[0-9A-Z]{5})", out.getvalue()).group(1)
    _password_login(client, "sysadmin")
    assert _enrol(client, code) is not None
    assert TOTPDevice.objects.get(user=user).confirmed


def test_wrong_codes_are_limited(client, regions):
    user = testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    good = activation_code_issue(actor=None, user=user)
    _password_login(client, "sysadmin")
    for _ in range(5):
        client.post("/accounts/2fa/", {"activation_code": "ZZZZZ-ZZZZZ", "next": "/"})
    refused = client.post("/accounts/2fa/", {"activation_code": good, "next": "/"})
    assert "Too many wrong activation codes" in refused.content.decode()
