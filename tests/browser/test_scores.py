"""A grid member on a 360 px phone opens their scores from the menu, follows an indicator to
the households behind it, and opens their printable service list (一人一策)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge import testing
from wangge.assessment.compute import compute_period
from wangge.assessment.duties import duty_list_save
from wangge.core.periods import month_period
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(field_member):
    service = next(layer for layer in grid_layers_seed() if layer.has_levels)
    grid = grid_create(
        actor=None,
        layer=service,
        name="汪屋网格",
        area=Region.objects.get(code=testing.VILLAGE_A + "001"),
        level=4,
    )
    GridMember.objects.create(grid=grid, member=field_member["user"].member, duty="网格员")
    duty_list_save(
        actor=None,
        township_code=testing.TOWNSHIP,
        level=4,
        items=["按时走访结对农户，困难户每月至少一次", "收集群众诉求，当日登记、限时回应"],
    )
    today = timezone.localdate()
    period = month_period(today.year, today.month)
    compute_period(township_code=testing.TOWNSHIP, period=period)
    return period


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_opens_scores_and_service_list(phone_page, field_member, scored, log_in):
    page = phone_page
    log_in(page, "member-phone")
    page.locator("summary", has_text="菜单").click()
    page.locator("#nav-my-scores").click()
    expect(page).to_have_url(re.compile(r"/assessment/mine/$"))
    expect(page.get_by_role("heading", name="我的考核与职责")).to_be_visible()
    _fits(page)
    page.locator("a[href*='/assessment/scores/']", has_text=scored.key).click()
    expect(page.locator("#score-value")).to_be_visible()
    _fits(page)
    page.get_by_role("link", name="结对户按时走访").click()
    expect(page.locator("table[data-records]")).to_contain_text("汪大海")
    expect(page.locator("table[data-records]")).to_contain_text("汪小河")
    _fits(page)
    page.screenshot(path="/tmp/wangge-scores-phone.png", full_page=True)
    page.goto("/assessment/mine/")
    page.locator("#my-service-list").click()
    expect(page.get_by_role("heading", name="一人一策为民服务清单")).to_be_visible()
    expect(page.locator(".service-list")).to_contain_text("收集群众诉求")
    expect(page.locator(".service-list")).to_contain_text("汪大海")
    _fits(page)
    page.screenshot(path="/tmp/wangge-service-list-phone.png", full_page=True)
