"""A village secretary on a 360 px phone opens an assistance plan from a household's page,
adds a step with its owner and due date, and finds it among the steps due."""

import pytest
from playwright.sync_api import expect

from wangge.assistance.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_opens_a_plan_from_a_household_page_on_a_phone(township_data, phone_page, log_in):
    page = phone_page
    household = township_data["households"][0]
    log_in(page, "secretary-a")
    page.goto(f"/households/{household.pk}/")
    page.click("#plan-new")
    page.wait_for_url(f"**/assistance/new/{household.pk}/")
    page.fill("#needs", "老人独居，冬季取暖困难")
    page.check("input[name=measures][value=daily_care]")
    page.select_option(
        "#responsible", label=page.locator("#responsible option").nth(1).inner_text()
    )
    page.click("#plan-new button.primary")
    page.wait_for_url("**/assistance/*/")
    plan = Plan.objects.get()
    assert plan.household_id == household.pk and plan.responsible_id is not None
    expect(page.locator("#plan-opened")).to_contain_text("户")  # 户页面 / 入户: the source
    page.fill("#title", "送去取暖器")
    page.fill("#due_date", page.locator("#due_date").get_attribute("min"))
    page.click("#step-add button")
    expect(page.locator("#steps")).to_contain_text("送去取暖器")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the plan page scrolls sideways ({width} px)"
    page.goto("/assistance/steps-due/")
    expect(page.locator("main")).to_contain_text("送去取暖器")
