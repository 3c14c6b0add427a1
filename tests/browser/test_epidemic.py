"""A resident back from elsewhere scans the epidemic grid's QR code on a 360 px phone and
registers without an account; the grid's member then sees them on the daily status, puts them
in home quarantine and records the day's follow-up from the due list."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.campaigns.models import FollowUp, Returnee
from wangge.campaigns.services import campaign_create
from wangge.grids.services import grid_create, grid_layers_seed, grid_qr_key
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def epidemic(field_member, settings):
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    office = testing.make_user("office", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    layer = {layer.slug: layer for layer in grid_layers_seed()}["epidemic"]
    grid = grid_create(
        actor=None,
        layer=layer,
        name="汪屋1号防疫网格",
        area=Region.objects.get(code=testing.VILLAGE_A + "001"),
        responsible=field_member["user"].member,
    )
    today = timezone.localdate()
    campaign = campaign_create(
        actor=office,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="疫情防控",
        kind="epidemic",
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=40),
    )
    return {"grid": grid, "campaign": campaign}


def test_resident_registers_from_the_qr_form_and_the_member_sees_it(new_page, epidemic, log_in):
    page = new_page("phone")
    page.goto(f"/campaigns/r/{grid_qr_key(epidemic['grid'])}/")
    expect(page.locator("h1")).to_have_text("返乡人员请在此登记")
    page.fill("#name", "钱自报")
    page.fill("#phone", "13712345678")
    page.fill("#origin", "浙江省杭州市")
    page.locator("input[name=risk][value=medium]").check()
    page.fill("#arrived_on", timezone.localdate().isoformat())
    question = page.locator("label[for=answer]").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.fill("#answer", str(a + b))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-returnee-form-phone.png", full_page=True)
    page.locator("button.primary").click()
    expect(page.locator("#registered")).to_be_visible()
    assert Returnee.objects.get().grid == epidemic["grid"]

    member = new_page("phone")
    log_in(member, "member-phone")
    member.goto(f"/campaigns/{epidemic['campaign'].pk}/")
    row = member.locator("tr[data-grid='汪屋1号防疫网格']")
    expect(row).to_be_visible()
    expect(member.locator("[data-figure=arrived]")).to_have_text("1")
    assert member.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    assert member.evaluate("document.documentElement.scrollWidth") <= 360
    member.screenshot(path="/tmp/wangge-epidemic-status-phone.png", full_page=True)
    member.locator("[data-figure=arrived]").click()
    expect(member.get_by_role("link", name="钱自报")).to_be_visible()
    expect(member.locator("body")).to_contain_text("137****5678")
    # The member puts them in home quarantine and records today's follow-up from the due list.
    member.get_by_role("link", name="钱自报").click()
    member.get_by_role("button", name="登记隔离").click()
    expect(member.locator("body")).to_contain_text("居家隔离")
    member.goto("/campaigns/follow-ups/")
    card = member.locator("[data-due='钱自报']")
    expect(card).to_be_visible()
    assert member.evaluate("document.documentElement.scrollWidth") <= 360
    member.screenshot(path="/tmp/wangge-follow-ups-phone.png", full_page=True)
    card.locator("input[name=temperature]").fill("36.5")
    card.get_by_role("button", name="登记随访").click()
    expect(member.locator("body")).to_contain_text("今天的随访都已完成")
    assert FollowUp.objects.get().temperature is not None
