"""Township staff pages in a real browser, on a desktop and on a 360 px phone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_see_the_overview_charts(page, township_data, log_in):
    log_in(page)
    # The headline figures (and the members group below them) count the township's records.
    expect(page.locator("[data-figure=members]").first).to_have_text("5")
    expect(page.locator("[data-figure=households]").first).to_have_text("2")
    # ECharts draws into a canvas inside each chart box.
    for name in ("members_by_branch", "members_by_age", "households_by_village"):
        expect(page.locator(f"[data-chart={name}] canvas")).to_have_count(1)
    page.screenshot(path="/tmp/wangge-overview-desktop.png", full_page=True)


def test_overview_fits_a_360px_phone(phone_page, township_data, log_in):
    log_in(phone_page)
    expect(phone_page.locator("[data-chart=households_by_tag] canvas")).to_have_count(1)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    phone_page.screenshot(path="/tmp/wangge-overview-phone.png", full_page=True)


def test_search_members_and_open_a_household(phone_page, township_data, log_in):
    page = phone_page
    log_in(page)
    page.goto("/members/")
    expect(page.locator("tbody tr")).to_have_count(5)
    page.fill("#f-q", "李秀")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("李秀英")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-members-phone.png", full_page=True)

    page.goto("/households/")
    page.get_by_role("link", name="汪大海").click()
    expect(page.locator("h1")).to_contain_text("汪大海")
    household = township_data["households"][0]
    expect(page.locator("dl.fields")).to_contain_text(household.head_id_masked)
    assert household.head_id_number not in page.content()


def test_reveal_with_a_reason(page, township_data, log_in):
    household = township_data["households"][0]
    log_in(page, "secretary-a")
    page.goto(f"/households/{household.pk}/")
    page.select_option("#id_purpose", label="办理低保")
    page.fill("#id_reason", "核对低保申请")
    page.locator("#reveal button[type=submit]").click()
    expect(page.locator("#reveal .revealed").first).to_have_text(household.head_id_number)
    # htmx swapped the answer into the page: the browser stayed on the detail URL.
    assert page.url.endswith(f"/households/{household.pk}/")
    page.screenshot(path="/tmp/wangge-household-revealed.png", full_page=True)


def test_switch_to_english_and_back(page, township_data, log_in):
    log_in(page)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(re.compile(r"^Overview · "))
    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_english_phone_gets_chinese_until_switched(new_page, township_data, log_in):
    """GIVEN a phone whose browser asks for English WHEN a member opens the site THEN it is in
    Chinese; the header's English button switches, and the choice stays on the next page."""
    page = new_page("phone", locale="en-US")
    log_in(page, "secretary-a")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/households/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="中文")).to_be_visible()


def test_member_form_explains_errors_at_the_field(phone_page, township_data, log_in):
    page = phone_page
    log_in(page, "secretary-a")
    page.goto("/members/new/")
    page.fill("#id_name", "赵四")
    page.fill("#id_id_number", "340827195807091241")
    page.fill("#id_phone", "12345")
    page.select_option("#id_area", index=1)
    page.select_option("#id_organisation", index=1)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#id_id_number_errors")).to_be_visible()
    expect(page.locator("#id_phone_errors")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-member-form-phone.png", full_page=True)


def test_edit_household_tags_with_checkboxes(phone_page, township_data, log_in):
    page = phone_page
    household = township_data["households"][1]
    log_in(page, "secretary-b")
    page.goto(f"/households/{household.pk}/edit/")
    page.get_by_label("低保").check()
    page.fill("#id_address", "郭屋新址8号")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/wangge-household-form-phone.png", full_page=True)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("郭小军")
    expect(page.locator("dl.fields")).to_contain_text("郭屋新址8号")
    expect(page.locator("dl.fields .tag")).to_have_text(["低保"])


CHROME = "nav a, label, legend, th, button, .help, .tools a"


def _without_data(text: str) -> str:
    """The text less what people entered (names, addresses, places): those stay Chinese."""
    from wangge.households.models import Household
    from wangge.party.models import Member
    from wangge.regions.models import Region

    data = [
        *Household.objects.values_list("head_name", flat=True),
        *Household.objects.values_list("address", flat=True),
        *Member.objects.values_list("name", flat=True),
        *Region.objects.values_list("name", flat=True),
    ]
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    return text


def _chinese_only(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text)) and not re.search("[A-Za-z]", text)


def test_english_pages_show_no_chinese_only_words(new_page, field_member, qr_grid, log_in):
    """GIVEN a member who switched to English WHEN they open their home, the visit form and the
    requests THEN every menu entry, label, heading cell, button and help text is English
    (Chinese only inside an English text, where it names what people write, or the 中文
    switch itself)."""
    page = new_page("phone")
    log_in(page, "member-phone")
    page.get_by_role("button", name="English").click()
    home = field_member["homes"][0]
    untranslated = {}
    for url in ("/visits/", f"/visits/log/{home.pk}/", "/requests/", "/households/"):
        page.goto(url)
        texts = page.eval_on_selector_all(
            CHROME,
            "els => els.filter(e => !e.closest('[lang=zh-CN]')).map(e => e.innerText.trim())",
        )
        bad = [t for t in map(_without_data, texts) if _chinese_only(t)]
        if bad:
            untranslated[url] = bad
    assert not untranslated
