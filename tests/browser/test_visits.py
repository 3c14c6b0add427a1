"""A Party member on a 360 px phone: log in, log a visit from the field home, and the page's
weight as transferred over the network."""

import re

import pytest
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.pairing.models import Pairing
from wangge.visits.models import Visit
from wangge.visits.services import policies_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The field home must stay light for cheap phones on slow networks.
FIELD_HOME_BUDGET = 150 * 1024


@pytest.fixture
def field_member(township_data):
    policies_seed(testing.TOWNSHIP)
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=40, name="周党员")
    user = testing.make_user("member-phone", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.large_text = True
    user.save(update_fields=["member", "large_text"])
    homes = [
        township_data["households"][0],
        testing.make_household(area_code=testing.VILLAGE_A + "001", seq=41, head_name="汪小河"),
    ]
    for home in homes:
        pairing = Pairing(member=member, household=home, started_on="2025-01-01")
        pairing.set_area(home.area)
        pairing.save()
    return {"user": user, "homes": homes}


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


def test_field_home_weighs_under_150_kb(phone_page, field_member, log_in):
    page = phone_page
    log_in(page, "member-phone")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto("/visits/", wait_until="networkidle")
    total = sum(sizes.values())
    loaded = sorted(urls[r] for r in sizes if r in urls)
    assert any(u.endswith("/visits/") for u in loaded), loaded
    assert not any("echarts" in u for u in loaded), loaded
    print(f"field home: {total:,} bytes in {len(sizes)} responses")
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
