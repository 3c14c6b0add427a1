"""A Party member on a 360 px phone: log in, log a visit from the field home, and the page's
weight as transferred over the network."""

import re

import pytest
from playwright.sync_api import expect

from wangge.visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The field home must stay light for cheap phones on slow networks.
FIELD_HOME_BUDGET = 150 * 1024


def test_member_logs_a_visit_from_the_phone_home(phone_page, field_member, log_in):
    page = phone_page
    log_in(page, "member-phone")
    expect(page).to_have_url(re.compile(r"/visits/$"))
    first = field_member["homes"][0]
    item = page.locator(f".due-item[data-household='{first.pk}']")
    expect(item).to_be_visible()
    expect(page.locator(".due-item")).to_have_count(2)
    # Large-text mode: body text at least 18 px.
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-visits-home-phone.png", full_page=True)

    item.locator("a.log-visit").click()  # tap 1
    expect(page.locator("h1")).to_contain_text(first.head_name)
    page.fill("#id_found", "屋顶漏雨，老人身体尚可")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-visits-log-phone.png", full_page=True)
    page.locator("form.visit-form button[type=submit]").click()  # tap 2
    expect(page.locator("[data-field=visited_on]")).to_be_visible()
    visit = Visit.objects.get()
    assert visit.household_id == first.pk and visit.found == "屋顶漏雨，老人身体尚可"

    page.goto("/visits/")
    expect(page.locator(".due-item")).to_have_count(1)
    expect(page.locator(f".due-item[data-household='{first.pk}']")).to_have_count(0)


def test_field_home_weighs_under_150_kb(phone_page, field_member, log_in, transferred):
    page = phone_page
    log_in(page, "member-phone")
    total, loaded = transferred(page, "/visits/")
    assert any(u.endswith("/visits/") for u in loaded), loaded
    assert not any("echarts" in u for u in loaded), loaded
    print(f"field home: {total:,} bytes in {len(loaded)} responses")
    assert 0 < total < FIELD_HOME_BUDGET, (total, loaded)


def test_member_taps_to_call_a_paired_household(phone_page, field_member, log_in):
    """Issue 16: the masked phone becomes a tel: link after one tap, recorded as 联系农户."""
    page = phone_page
    log_in(page, "member-phone")
    first = field_member["homes"][0]
    item = page.locator(f".due-item[data-household='{first.pk}']")
    assert first.phone not in item.inner_text()
    item.locator("form.call button").click()
    link = item.locator("a[href^='tel:']")
    expect(link).to_have_attribute("href", f"tel:{first.phone}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-visits-call-phone.png", full_page=True)
