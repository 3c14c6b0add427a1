"""Importing a small XLSX through the page in a real browser (Chromium), on a 360 px phone."""

import datetime

import pytest

from wangge import testing
from wangge.imports.tests.sheets import MEMBER_HEADERS, write_xlsx
from wangge.party.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, is_mobile=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_secretary_imports_members_through_the_page(phone, settings, tmp_path):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    testing.build_regions()
    testing.make_user("secretary-a", "village_secretary", testing.VILLAGE_A)
    testing.branch_for(testing.VILLAGE_A, "湖滨村党支部")
    blank = ["", "", "", ""]
    rows = [
        [
            name,
            testing.make_id(datetime.date(1960, 5, 1), seq),
            "",
            "湖滨村党支部",
            "湖滨村",
            *blank,
        ]
        for seq, name in ((1, "王一"), (2, "王二"))
    ]
    path = write_xlsx(tmp_path / "members.xlsx", MEMBER_HEADERS, rows)

    page = phone
    page.goto("/accounts/login/")
    page.fill("#id_username", "secretary-a")
    page.fill("#id_password", testing.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/imports/members/")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/imports/job/*/")
    expect(page.locator("#job-status .stat .n").nth(1)).to_have_text("2")  # created
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-import-phone.png", full_page=True)
    assert sorted(Member.objects.values_list("name", flat=True)) == ["王一", "王二"]


def test_clerk_exports_resaves_and_imports_back_with_nothing_changed(phone, settings, tmp_path):
    """Export the household list from its page, re-save it in LibreOffice when installed (else
    as downloaded), upload it: 0 created, 0 updated, every row unchanged."""
    from playwright.sync_api import expect

    from wangge.households.models import Household
    from wangge.imports.tests.roundtrip import build_registry, resave, soffice

    settings.MEDIA_ROOT = tmp_path / "media"
    testing.build_regions()
    testing.build_tags()
    build_registry()
    testing.make_user("secretary-a", "village_secretary", testing.VILLAGE_A)
    before = list(Household.objects.order_by("pk").values_list("pk", "version", "updated_at"))

    page = phone
    page.goto("/accounts/login/")
    page.fill("#id_username", "secretary-a")
    page.fill("#id_password", testing.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/households/")
    with page.expect_download() as download:
        page.click("a[href*='/imports/households/export.xlsx']")
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    if soffice():
        exported = resave(exported, tmp_path / "resaved.xlsx")
    page.goto("/imports/households/")
    page.set_input_files("input[type=file]", str(exported))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/imports/job/*/")
    numbers = page.locator("#job-status .stat .n")
    expect(numbers.nth(3)).to_have_text("6")  # unchanged
    assert [numbers.nth(i).inner_text() for i in range(5)] == ["6", "0", "0", "6", "0"]
    assert list(Household.objects.order_by("pk").values_list("pk", "version", "updated_at")) == (
        before
    )
