"""Pages that drew everything at once: the QR posters, one village and twenty at a time."""

import pytest
from playwright.sync_api import expect

from wangge import testing
from wangge.grids.services import grid_create, grid_layers_seed
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def many_grids(township_data):
    service = next(layer for layer in grid_layers_seed() if layer.has_levels)
    hamlet_a = Region.objects.get(code=testing.VILLAGE_A + "001")
    hamlet_b = Region.objects.get(code=testing.VILLAGE_B + "001")
    for n in range(25):
        grid_create(actor=None, layer=service, name=f"A网格{n + 1}", area=hamlet_a, level=4)
    for n in range(3):
        grid_create(actor=None, layer=service, name=f"B网格{n + 1}", area=hamlet_b, level=4)


def test_posters_show_one_village_twenty_at_a_time(phone_page, many_grids, log_in):
    """GIVEN 25 grids in village A and 3 in B WHEN the township leader opens the posters on a
    phone THEN the first village's posters come, twenty to a page, with the pager to the rest;
    the village filter still shows B's."""
    page = phone_page
    log_in(page)
    page.goto("/requests/grids/posters/")
    expect(page.locator(".poster")).to_have_count(20)
    expect(page.locator("#f-area")).to_have_value(testing.VILLAGE_A)
    expect(page.locator("main")).not_to_contain_text("B网格")
    page.locator(".pager a[rel=next]").first.click()
    expect(page.locator(".poster")).to_have_count(5)
    page.select_option("#f-area", testing.VILLAGE_B)
    page.locator("form.filters button").click()
    expect(page.locator(".poster")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
