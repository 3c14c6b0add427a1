"""Three administrators, three jobs: none can do another's (S13)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import Role, RoleAssignment, User
from wangge.audit.models import AuditEvent


@pytest.fixture
def admins(regions):
    made = {}
    for name, role in [
        ("sysadmin", Role.SYSTEM_ADMIN),
        ("secadmin", Role.SECURITY_ADMIN),
        ("auditadmin", Role.AUDIT_ADMIN),
    ]:
        user = testing.make_user(name, role, testing.TOWNSHIP)
        TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        made[name] = user
    return made


@pytest.mark.parametrize(
    ("admin", "allowed"),
    [
        ("sysadmin", "/accounts/users/"),
        ("secadmin", "/accounts/roles/"),
        ("auditadmin", "/audit/"),
    ],
)
def test_each_admin_reaches_only_their_page(client, admins, admin, allowed):
    client.force_login(admins[admin])
    for path in ["/accounts/users/", "/accounts/roles/", "/audit/"]:
        expected = 200 if path == allowed else 403
        assert client.get(path).status_code == expected, path


def test_sysadmin_creates_account_with_policy(client, admins):
    client.force_login(admins["sysadmin"])
    weak = client.post(
        "/accounts/users/", {"username": "newbie", "display_name": "新人", "password": "abc"}
    )
    assert weak.status_code == 200 and not User.objects.filter(username="newbie").exists()
    ok = client.post(
        "/accounts/users/",
        {"username": "newbie", "display_name": "新人", "password": "Liangquan@2026"},
    )
    assert ok.status_code == 302
    assert User.objects.get(username="newbie").check_password("Liangquan@2026")


def test_secadmin_grants_and_revokes_with_audit(client, admins, secretary_a):
    client.force_login(admins["secadmin"])
    response = client.post(
        "/accounts/roles/",
        {"user": secretary_a.pk, "role": Role.GROUP_LEADER, "area": testing.VILLAGE_A + "001"},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=secretary_a, role=Role.GROUP_LEADER)
    assert AuditEvent.objects.filter(action="role.grant", object_id=str(secretary_a.pk)).exists()
    client.post(f"/accounts/roles/{assignment.pk}/remove/")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoke").exists()


def test_secadmin_cannot_grant_to_self(client, admins):
    client.force_login(admins["secadmin"])
    client.post(
        "/accounts/roles/",
        {"user": admins["secadmin"].pk, "role": Role.AUDIT_ADMIN, "area": testing.TOWNSHIP},
    )
    assert not RoleAssignment.objects.filter(
        user=admins["secadmin"], role=Role.AUDIT_ADMIN
    ).exists()


def test_auditadmin_sees_events_and_checks_chain(client, admins, secretary_a):
    client.post("/accounts/login/", {"username": "secretary-a", "password": "wrong"})
    client.force_login(admins["auditadmin"])
    page = client.get("/audit/?verify=1").content.decode()
    assert "login.failed" in page
    assert "intact" in page or "完整" in page
