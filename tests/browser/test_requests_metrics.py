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


def test_rates_say_why_a_rate_is_empty_beside_a_median(phone_page, township_data, log_in):
    """GIVEN a request sent last month and resolved this month WHEN the leader opens this
    month's rates THEN the empty response rate says there were no new requests, not "— 0/0",
    beside the time to resolve of the one request."""
    import datetime

    from django.utils import timezone

    from wangge.appeals.models import AppealEvent, EventKind
    from wangge.appeals.services import appeal_resolve

    staff = testing.make_user("phone-staff", Role.TOWNSHIP_LEADER, testing.TOWNSHIP)
    water = categories_for(testing.TOWNSHIP).get(slug="water")
    appeal = appeal_create(
        actor=staff,
        household=township_data["households"][0],
        category=water,
        text="水管漏水",
        channel=Channel.PHONE_LINE,
    )
    appeal_accept(actor=staff, appeal=appeal)
    appeal_resolve(actor=staff, appeal=appeal, note="已修好")
    start = timezone.localtime().replace(day=1) - datetime.timedelta(days=3)
    AppealEvent.objects.filter(appeal=appeal, kind=EventKind.CREATED).update(at=start)
    page = phone_page
    log_in(page)
    page.goto("/requests/metrics/")
    total = page.locator("[data-row=total]")
    expect(total.locator("td").nth(0)).to_contain_text("本期无新诉求")
    expect(total.locator("td").nth(3)).to_contain_text("小时")
    assert "0/0" not in total.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
