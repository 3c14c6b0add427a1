"""A grid member on a 360 px phone acknowledges the straw-burning letter in one tap and logs a
patrol; the township then counts the acknowledgement."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.campaigns.models import DutyLog, PledgeAck
from wangge.campaigns.services import campaign_create, pledge_publish
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def straw_campaign(field_member):
    office = testing.make_user("office", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    service = next(layer for layer in grid_layers_seed() if layer.has_levels)
    grid = grid_create(
        actor=None,
        layer=service,
        name="汪屋网格",
        area=Region.objects.get(code=testing.VILLAGE_A + "001"),
        level=4,
    )
    GridMember.objects.create(grid=grid, member=field_member["user"].member)
    today = timezone.localdate()
    campaign = campaign_create(
        actor=office,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="秸秆禁烧",
        kind="straw_burning",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=40),
    )
    pledge = pledge_publish(
        actor=office,
        campaign=campaign,
        text="本人承诺：包保责任田块，每日巡查，发现焚烧立即制止并报告。",
    )
    return {"campaign": campaign, "pledge": pledge}


def test_member_acknowledges_the_letter_and_logs_a_patrol(
    phone_page, field_member, straw_campaign, log_in
):
    page = phone_page
    log_in(page, "member-phone")
    expect(page).to_have_url(re.compile(r"/visits/$"))
    card = page.locator(".home-card", has_text="秸秆禁烧")
    expect(card).to_be_visible()
    card.get_by_role("link", name="阅读并确认").click()
    expect(page.locator(".letter")).to_contain_text("包保责任田块")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-pledge-phone.png", full_page=True)
    page.locator("#acknowledge").click()  # the one tap
    expect(page).to_have_url(re.compile(r"/visits/$"))
    expect(page.get_by_role("link", name="阅读并确认")).to_have_count(0)
    assert PledgeAck.objects.filter(member=field_member["user"].member).count() == 1

    page.get_by_role("link", name="记录巡查").click()
    page.fill("#place", "汪屋河滩田块")
    page.fill("#text", "巡查一遍，未见焚烧")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-patrol-phone.png", full_page=True)
    page.locator("#save-log").click()
    expect(page).to_have_url(re.compile(r"/visits/$"))
    entry = DutyLog.objects.get()
    assert entry.place == "汪屋河滩田块" and entry.campaign == straw_campaign["campaign"]
    assert entry.day == timezone.localdate()
