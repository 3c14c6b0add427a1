"""Pairing in a real browser: propose for a village, read the diff, apply; the phone view."""

import pytest
from playwright.sync_api import expect

from wangge.pairing.models import Pairing
from wangge.party.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_propose_and_apply_on_the_desktop(page, township_data, log_in):
    log_in(page, "secretary-a")
    page.goto("/pairing/")
    page.select_option("#area_code", "340827200200")
    page.locator("#propose button").click()
    page.wait_for_url("**/pairing/proposals/*/")
    expect(page.locator("#n-add")).to_have_text("1")
    expect(page.locator("#n-uncovered")).to_have_text("0")
    expect(page.locator("main, body").first).to_contain_text("汪大海")
    page.locator("#apply").click()
    expect(page.locator("#apply")).to_have_count(0)
    assert Pairing.objects.filter(ended_on__isnull=True).count() == 1
    page.screenshot(path="/tmp/wangge-pairing-proposal-desktop.png", full_page=True)
    page.goto("/pairing/unpaired/")
    expect(page.locator("tbody tr")).to_have_count(1)  # the "every household paired" row
    page.goto("/pairing/members/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_pairing_pages_fit_a_phone(phone_page, township_data, log_in):
    household = township_data["households"][0]
    member = Member.objects.filter(area_code="340827200200").first()
    log_in(phone_page, "secretary-a")
    phone_page.goto(f"/pairing/households/{household.pk}/")
    phone_page.select_option("#member", str(member.pk))
    phone_page.locator("form[action$='/pair/'] button").click()
    expect(phone_page.locator("tbody").first).to_contain_text(member.name)
    phone_page.screenshot(path="/tmp/wangge-pairing-household-phone.png", full_page=True)
    for path in (
        "/pairing/",
        "/pairing/members/",
        "/pairing/unpaired/",
        f"/pairing/households/{household.pk}/",
        f"/pairing/members/{member.pk}/",
    ):
        phone_page.goto(path)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, path
    phone_page.screenshot(path="/tmp/wangge-pairing-phone.png", full_page=True)
