"""A member on a 360 px phone in large text opens a township notice and writes feedback on it;
the township office replies and the member reads the reply."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.test_field_layout import _check, _large_text
from wangge import testing
from wangge.accounts.models import Role
from wangge.notices.audience import Targets
from wangge.notices.models import Delivery, Feedback
from wangge.notices.services import feedback_create, notice_send
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notice_scene(township_data):
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=60, name="汪老党员")
    user = testing.make_user("member-notice", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    office = testing.make_user("township-office", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    device = TOTPDevice.objects.create(user=office, name="phone", confirmed=True)
    notice = notice_send(
        actor=office,
        area=Region.objects.get(code=testing.TOWNSHIP),
        title="关于严格落实秸秆禁烧工作的通知",
        body="秋收期间全域禁止露天焚烧秸秆，请党员包片包户宣传到位。",
        targets=Targets(everyone=True),
        topic="safety",
    )
    return {"user": user, "office": office, "device": device, "notice": notice}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_opens_a_notice_writes_feedback_and_the_township_replies(
    new_page, live_server, notice_scene, log_in
):
    page = new_page("phone")
    page.context.add_cookies([{"name": "large_text", "value": "1", "url": live_server.url}])
    log_in(page, "member-notice")
    page.goto("/notices/")
    _fits(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    page.get_by_role("link", name="关于严格落实秸秆禁烧工作的通知").click()
    expect(page.locator(".notice-body")).to_contain_text("禁止露天焚烧秸秆")
    _fits(page)
    assert Delivery.objects.filter(opened_at__isnull=False).count() == 1
    page.get_by_role("link", name="对这条通知写反馈").click()
    page.fill("#text", "秸秆不让烧了，粉碎还田的机器到哪里借？")
    page.locator("button.primary").click()
    expect(page.locator(".thread")).to_contain_text("粉碎还田")
    _fits(page)
    feedback = Feedback.objects.get()
    assert feedback.notice_id == notice_scene["notice"].pk

    office = new_page("desktop")
    office.goto("/accounts/login/")
    office.fill("#id_username", "township-office")
    office.fill("#id_password", testing.PASSWORD)
    office.click("button[type=submit]")
    device = notice_scene["device"]
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    office.fill("#id_token", f"{code:06d}")
    office.click("button[type=submit]")
    office.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    office.goto("/notices/feedback/?topic=safety")
    office.get_by_role("link", name="关于严格落实秸秆禁烧工作的通知").click()
    office.fill("#reply-text", "乡农业综合服务中心有秸秆粉碎机，到村委会登记即可免费预约。")
    office.get_by_role("button", name="发送回复").click()
    expect(office.locator(".thread")).to_contain_text("免费预约")

    page.reload()
    expect(page.locator(".thread")).to_contain_text("免费预约")
    expect(page.locator("main")).to_contain_text("已回复")
    _fits(page)


def test_member_notice_pages_fit_a_phone_in_large_text(
    phone_page, live_server, notice_scene, log_in
):
    """Tap targets of 44 px, 18 px text and no sideways scrolling, as the other member pages."""
    feedback = feedback_create(
        actor=notice_scene["user"], subject="", text="机器到哪里借？", notice=notice_scene["notice"]
    )
    _large_text(phone_page, live_server)
    log_in(phone_page, "member-notice")
    pk = notice_scene["notice"].pk
    paths = [
        "/notices/",
        f"/notices/{pk}/",
        "/notices/feedback/",
        f"/notices/feedback/new/?notice={pk}",
        f"/notices/feedback/{feedback.pk}/",
    ]
    assert _check(phone_page, "member-notices", paths) == {}
