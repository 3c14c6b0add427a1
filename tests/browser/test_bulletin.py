"""The township office opens the bulletin page on a 360 px phone, generates the quarter's
bulletin for the township, has the Word document generated (in the background; its page shows
the progress) and downloads it: it holds the figures."""

import docx
import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.core.periods import quarter_period
from wangge.dashboard.selectors import township_stats
from wangge.reports.models import GeneratedReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the bulletin page scrolls sideways ({width} px)"


def test_township_office_downloads_the_bulletin_on_a_phone(new_page, township_data, tmp_path):
    office = testing.make_user("township-office", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    device = TOTPDevice.objects.create(user=office, name="phone", confirmed=True)
    today = timezone.localdate()
    quarter = quarter_period(today.year, (today.month + 2) // 3)
    page = new_page("phone")
    page.goto("/accounts/login/")
    page.fill("#id_username", "township-office")
    page.fill("#id_password", testing.PASSWORD)
    page.click("button[type=submit]")
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_token", f"{code:06d}")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    page.goto("/")
    page.locator(".navmenu > summary").click()  # the phone's menu button opens the menu
    page.locator("#nav-bulletin").click()
    page.wait_for_url("**/reports/bulletin/")
    expect(page.locator("#id_period")).to_have_value(quarter.key)
    page.select_option("#id_area", testing.TOWNSHIP)
    page.get_by_role("button", name="在本页显示").click()
    expect(page.locator("#bulletin h2")).to_contain_text("凉泉乡关于")
    expect(page.locator("#bulletin")).to_contain_text("满意率")
    _fits(page)
    page.locator("#bulletin-docx").click()
    page.wait_for_url("**/reports/*/")
    expect(page.locator("#report-status")).to_contain_text("报告已生成")
    _fits(page)
    with page.expect_download() as info:
        page.locator("#report-download").click()
    path = tmp_path / "bulletin.docx"
    info.value.save_as(path)
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    members = township_stats(testing.TOWNSHIP)["members"]
    assert "凉泉乡网格办〔" in text and "群众诉求" in text
    assert "党员" in cells and f"{members} 名" in cells  # the figure, from the record
    assert [r.format for r in GeneratedReport.objects.order_by("generated_at")] == [
        "html",
        "docx",
    ]
