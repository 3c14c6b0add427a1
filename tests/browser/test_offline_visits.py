"""A member logs visits where there is no network: kept on the phone, sent when it is back,
stored once."""

import pytest
from playwright.sync_api import expect

from wangge.visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_visits_logged_offline_are_sent_once_when_back_online(phone_page, field_member, log_in):
    """GIVEN a member whose visit pages were opened once WHEN the network drops and they log
    visits to two households THEN the page lists both as waiting; WHEN the network is back
    THEN both are stored, once each, and the list empties."""
    page = phone_page
    log_in(page, "member-phone")
    page.goto("/visits/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1", timeout=20_000)
    first, second = field_member["homes"]

    page.context.set_offline(True)
    for home, found in ((first, "屋顶漏雨"), (second, "老人身体尚可")):
        page.goto(f"/visits/log/{home.pk}/")
        page.fill("#id_found", found)
        page.locator("form.visit-form button[type=submit]").click()
        expect(page.locator("#offline-saved")).to_be_visible()
    expect(page.locator("#offline-queue .count")).to_have_text("2")
    page.goto("/visits/")
    expect(page.locator("#offline-queue li")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not Visit.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("#offline-queue")).to_be_hidden(timeout=20_000)
    assert sorted(Visit.objects.values_list("found", flat=True)) == ["屋顶漏雨", "老人身体尚可"]
    page.reload()
    expect(page.locator("#offline-queue")).to_be_hidden()
    assert Visit.objects.count() == 2


def test_signing_out_forgets_the_kept_visit_pages(phone_page, field_member, log_in):
    """The pages kept for offline use name households: once signed out, they are gone."""
    page = phone_page
    log_in(page, "member-phone")
    page.goto("/visits/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1", timeout=20_000)
    assert page.evaluate("caches.has('wangge-visits-v1')")
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.wait_for_function("caches.has('wangge-visits-v1').then(kept => !kept)")
