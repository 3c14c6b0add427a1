"""At 360 px: a member evaluates themselves for the five-star round, and a resident rates a
member from the public page reached by the door plate's QR code, without logging in."""

import re

import pytest
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import Role
from wangge.assessment import stars
from wangge.assessment.models import StarPublicVote, StarSelf, StarStep
from wangge.assessment.public import page_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def star_scene(township_data, settings):
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=70, name="徐胜平")
    user = testing.make_user("member-star", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    secretary = testing.make_user("secretary-star", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    round_ = stars.round_open(actor=secretary, organisation=member.organisation, year=2021)
    return {"member": member, "round": round_, "secretary": secretary}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_does_the_self_evaluation_on_a_phone(new_page, star_scene, log_in):
    page = new_page("phone")
    log_in(page, "member-star")
    page.goto("/assessment/stars/")
    _fits(page)
    page.get_by_label("学习星").check()
    page.get_by_label("服务星").check()
    page.fill("#reason", "每月走访联系户，帮助留守老人看病。")
    page.get_by_role("button", name="提交我的自评").click()
    expect(page.locator(".messages")).to_contain_text("自评已保存")
    _fits(page)
    own = StarSelf.objects.get(member=star_scene["member"])
    assert own.kinds == ["study", "service"]


def test_resident_rates_a_member_from_the_public_page(new_page, star_scene):
    round_ = star_scene["round"]
    for step in (StarStep.SELF, StarStep.PEER):
        stars.round_advance(actor=star_scene["secretary"], round_=round_, expected=step)
    url = f"/m/{page_for(star_scene['member']).token}/"
    page = new_page("phone")
    page.goto(url)
    expect(page.locator("h1")).to_have_text("徐胜平")
    _fits(page)
    assert star_scene["member"].phone not in page.content()
    page.get_by_label("满意", exact=True).check()
    page.fill("#phone", "13900005555")
    question = page.locator("label[for=answer]").inner_text()
    a, b = map(int, re.findall(r"(\d) \+ (\d)", question)[0])
    page.fill("#answer", str(a + b))
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#done")).to_contain_text("评价已记录")
    _fits(page)
    assert StarPublicVote.objects.filter(member=star_scene["member"]).count() == 1
