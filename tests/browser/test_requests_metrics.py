"""The requests' rates page in a real browser on a 360 px phone."""

import pytest
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.categories import categories_for
from wangge.appeals.models import Channel
from wangge.appeals.services import appeal_accept, appeal_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rates_page_fits_a_360px_phone_and_drills_down(phone_page, township_data, log_in):
    staff = testing.make_user("phone-staff", Role.TOWNSHIP_LEADER, testing.TOWNSHIP)
    water = categories_for(testing.TOWNSHIP).get(slug="water")
    for household in township_data["households"]:
        appeal = appeal_create(
            actor=staff,
            household=household,
            category=water,
            text="路灯坏了",
            channel=Channel.PHONE_LINE,
        )
    appeal_accept(actor=staff, appeal=appeal)
    page = phone_page
    log_in(page)
    page.goto("/requests/metrics/")
    expect(page.locator("[data-metrics=children] tbody tr")).to_have_count(2)
    total = page.locator("[data-row=total]")
    expect(total).to_contain_text("50%")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-requests-metrics-phone.png", full_page=True)
    total.locator("td").first.locator("a.rate").click()
    expect(page.locator("tbody tr[data-request]")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
