"""One pager for every list: turning the page keeps every filter of the current request."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.services import audit_record


@pytest.fixture
def audit_admin(regions):
    user = testing.make_user("auditadmin", Role.AUDIT_ADMIN, testing.TOWNSHIP)
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    return user


def test_paging_the_audit_log_keeps_the_action_filter(client, audit_admin):
    for n in range(101):
        audit_record(actor=None, action="export.members", detail={"n": n})
    client.force_login(audit_admin)

    first = client.get("/audit/", {"action": "export"}).content.decode()
    assert "?action=export&amp;page=2" in first
    second = client.get("/audit/", {"action": "export", "page": "2"}).content.decode()
    assert "?action=export&amp;page=1" in second


def test_paging_a_member_list_keeps_every_filter(client, township_admin):
    for seq in range(1, 53):
        testing.make_member(area_code=testing.VILLAGE_A, seq=seq, name=f"甲{seq:02d}")
    client.force_login(township_admin)

    html = client.get(
        "/members/", {"area_code": testing.VILLAGE_A, "q": "甲", "page": "1"}
    ).content.decode()
    assert f"?area_code={testing.VILLAGE_A}&amp;q=%E7%94%B2&amp;page=2" in html
