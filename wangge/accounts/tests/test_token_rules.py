"""Issue 15, finding 1: a token does not outlive the rules it was issued under."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import ApiToken, Role, RoleAssignment
from wangge.accounts.tokens import token_issue
from wangge.audit.models import AuditEvent


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_token_refused_once_user_becomes_administrator(client, secretary_a):
    """GIVEN a token issued to a user who needed no second factor
    WHEN the user is granted township_admin
    THEN the token is refused with otp_required, not used with the new role's rights."""
    raw, _token = token_issue(user=secretary_a)
    assert client.get("/api/v1/households", **_bearer(raw)).status_code == 200
    RoleAssignment.objects.create(
        user=secretary_a, role=Role.TOWNSHIP_ADMIN, area_id=testing.TOWNSHIP
    )
    refused = client.get("/api/v1/households", **_bearer(raw))
    assert refused.status_code == 401
    assert refused.json()["code"] == "otp_required"


def test_token_refused_after_password_change(client, secretary_a):
    raw, _token = token_issue(user=secretary_a)
    secretary_a.set_password("Another-pass-2027")
    secretary_a.save()
    refused = client.get("/api/v1/households", **_bearer(raw))
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    assert "password" in refused.json()["message"]


def test_token_refused_after_authenticator_removed(client, township_admin):
    device = TOTPDevice.objects.get(user=township_admin)
    payload = {"username": "township-admin", "password": testing.PASSWORD, "otp": _code(device)}
    raw = client.post("/api/v1/auth/token", payload, content_type="application/json").json()[
        "token"
    ]
    assert client.get("/api/v1/households", **_bearer(raw)).status_code == 200
    device.delete()
    refused = client.get("/api/v1/households", **_bearer(raw))
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"


def test_user_lists_and_revokes_own_tokens_in_pages_and_api(client, secretary_a, secretary_b):
    raw_a, token_a = token_issue(user=secretary_a)
    _raw_a2, token_a2 = token_issue(user=secretary_a)
    _raw_b, token_b = token_issue(user=secretary_b)

    listing = client.get("/api/v1/auth/tokens", **_bearer(raw_a)).json()
    assert listing["count"] == 2
    assert {t["id"] for t in listing["items"]} == {token_a.pk, token_a2.pk}
    assert [t["current"] for t in listing["items"] if t["id"] == token_a.pk] == [True]
    # Another user's token is not the caller's to revoke.
    other = client.delete(f"/api/v1/auth/tokens/{token_b.pk}", **_bearer(raw_a))
    assert other.status_code == 404
    gone = client.delete(f"/api/v1/auth/tokens/{token_a2.pk}", **_bearer(raw_a))
    assert gone.status_code == 204

    client.force_login(secretary_a)
    page = client.get("/accounts/tokens/").content.decode()
    assert token_a.prefix in page and token_a2.prefix not in page
    assert client.post(f"/accounts/tokens/{token_b.pk}/revoke/").status_code == 404
    client.post(f"/accounts/tokens/{token_a.pk}/revoke/")
    assert client.get("/api/v1/households", **_bearer(raw_a)).status_code == 401
    assert ApiToken.objects.get(pk=token_b.pk).revoked_at is None
    assert AuditEvent.objects.filter(action="token.revoke", actor=secretary_a).count() == 2


def test_system_admin_revokes_all_tokens_of_a_user(client, secretary_a, regions):
    sysadmin = testing.make_user("sysadmin", Role.SYSTEM_ADMIN, testing.TOWNSHIP)
    TOTPDevice.objects.create(user=sysadmin, name="test", confirmed=True)
    raw1, _t1 = token_issue(user=secretary_a)
    raw2, _t2 = token_issue(user=secretary_a)

    # Not the secretary's to do to others, by page or API.
    client.force_login(secretary_a)
    assert client.post(f"/accounts/users/{sysadmin.pk}/tokens/revoke/").status_code == 403
    assert (
        client.post(f"/api/v1/auth/users/{sysadmin.pk}/tokens/revoke", **_bearer(raw1)).status_code
        == 403
    )

    client.force_login(sysadmin)
    assert "Revoke all API tokens" in client.get("/accounts/users/").content.decode()
    client.post(f"/accounts/users/{secretary_a.pk}/tokens/revoke/")
    for raw in (raw1, raw2):
        assert client.get("/api/v1/households", **_bearer(raw)).status_code == 401
    event = AuditEvent.objects.get(action="token.revoke_all")
    assert event.actor == sysadmin and event.detail["count"] == 2
