from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import Role
from wangge.accounts.twofactor import activation_code_issue
from wangge.audit.models import AuditEvent


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_login(client, username):
    return client.post("/accounts/login/", {"username": username, "password": testing.PASSWORD})


def test_admin_enrols_with_activation_code_then_reaches_pages(client, regions):
    sysadmin = testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    code = activation_code_issue(actor=None, user=sysadmin)
    _password_login(client, "sysadmin")
    blocked = client.get("/accounts/users/")
    assert blocked.status_code == 302 and "/accounts/2fa/" in blocked["Location"]

    asked = client.get("/accounts/2fa/").content.decode()
    assert "<svg" not in asked and 'name="activation_code"' in asked
    client.post("/accounts/2fa/", {"activation_code": code.lower(), "next": "/accounts/users/"})
    page = client.get("/accounts/2fa/?next=/accounts/users/").content.decode()
    assert "<svg" in page  # the QR code to scan
    device = TOTPDevice.objects.get(user__username="sysadmin", confirmed=False)

    wrong = client.post("/accounts/2fa/", {"token": "000000", "next": "/accounts/users/"})
    assert "not right" in wrong.content.decode() or "不对" in wrong.content.decode()

    done = client.post("/accounts/2fa/", {"token": _code(device), "next": "/accounts/users/"})
    assert done.status_code == 302 and done["Location"] == "/accounts/users/"
    assert client.get("/accounts/users/").status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert AuditEvent.objects.filter(action="2fa.enrol").exists()


def test_enrolled_admin_must_enter_code_each_login(client, township_admin):
    _password_login(client, "township-admin")
    assert "/accounts/2fa/" in client.get("/").get("Location", "")
    device = TOTPDevice.objects.get(user=township_admin)
    client.post("/accounts/2fa/", {"token": _code(device), "next": "/"})
    assert client.get("/").status_code == 200


def test_village_secretary_needs_no_second_step(client, secretary_a):
    _password_login(client, "secretary-a")
    assert client.get("/").status_code == 200


def test_api_token_for_admin_needs_otp(client, township_admin):
    payload = {"username": "township-admin", "password": testing.PASSWORD}
    refused = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert refused.status_code == 401 and refused.json()["code"] == "otp_required"
    device = TOTPDevice.objects.get(user=township_admin)
    granted = client.post(
        "/api/v1/auth/token", {**payload, "otp": _code(device)}, content_type="application/json"
    )
    assert granted.status_code == 200


def test_unverified_session_cannot_use_the_api(client, township_admin):
    _password_login(client, "township-admin")
    assert client.get("/api/v1/households").status_code == 401
