"""During a declared flood emergency a member on a 360 px phone records that they are on duty
in two taps (the home card, then the button); the township's dashboard counts the turn-out. A
campaign task given to the member is marked done from the phone's "my tasks"."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.campaigns.engine import emergency_declare, task_create, team_create
from wangge.campaigns.models import CampaignTask, Turnout
from wangge.campaigns.services import campaign_create
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def flood_campaign(field_member):
    office = testing.make_user("office", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    today = timezone.localdate()
    campaign = campaign_create(
        actor=office,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="防汛抗洪",
        kind="flood",
        starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=20),
    )
    emergency_declare(
        actor=office,
        campaign=campaign,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=5),
        reason="长江超警戒水位",
    )
    return campaign


def test_member_records_on_duty_on_a_phone(phone_page, field_member, flood_campaign, log_in):
    page = phone_page
    log_in(page, "member-phone")
    expect(page).to_have_url(re.compile(r"/visits/$"))
    card = page.locator(".home-card", has_text="防汛抗洪")
    expect(card).to_be_visible()
    card.get_by_role("link", name="我在岗").click()  # the first tap
    expect(page.locator("#on-duty")).to_be_visible()
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-on-duty-phone.png", full_page=True)
    page.locator("#on-duty").click()  # the second tap
    expect(page).to_have_url(re.compile(r"/visits/$"))
    expect(page.locator(".messages")).to_contain_text("今天在岗")
    turnout = Turnout.objects.get()
    assert turnout.member == field_member["user"].member
    assert turnout.day == timezone.localdate() and turnout.self_reported


def test_member_marks_a_campaign_task_done_on_a_phone(
    phone_page, field_member, flood_campaign, log_in
):
    secretary = testing.make_user("sec-phone", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    task = task_create(
        actor=secretary,
        campaign=flood_campaign,
        text="巡查东湖圩口管涌",
        due_on=timezone.localdate(),
        member=field_member["user"].member,
    )
    page = phone_page
    log_in(page, "member-phone")
    card = page.locator(".home-card", has_text="我的任务")
    expect(card).to_be_visible()
    card.get_by_role("link", name="查看我的任务").click()
    expect(page.locator(f"#task-{task.pk}")).to_contain_text("巡查东湖圩口管涌")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-campaign-task-phone.png", full_page=True)
    page.locator(f"#note-{task.pk}").fill("已处置，无险情")
    page.locator(f"#task-{task.pk}").get_by_role("button", name="办结").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(f"#task-{task.pk}")).to_have_count(0)
    done = CampaignTask.objects.get(pk=task.pk)
    assert done.done_at is not None and done.done_note == "已处置，无险情"


def test_township_reads_the_flood_campaign_per_village_on_a_phone(
    phone_page, field_member, flood_campaign, log_in
):
    """The township's leader opens the campaign on a phone: a row per village (not every
    team), no wider than the screen; the village's name opens its teams."""
    office = flood_campaign.created_by
    team_create(
        actor=office,
        campaign=flood_campaign,
        name="太华突击队",
        kind="commando",
        home=Region.objects.get(code=testing.VILLAGE_B),
        serves=Region.objects.get(code=testing.VILLAGE_A),
    )
    page = phone_page
    log_in(page)
    page.goto(f"/campaigns/{flood_campaign.pk}/")
    rows = page.locator("table.by-village tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("太华突击队")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-flood-township-phone.png", full_page=True)
    rows.first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"village={testing.VILLAGE_A}"))
    expect(page.locator("details.team")).to_contain_text("太华突击队")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
