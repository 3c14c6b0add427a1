"""A member over 60 and a village secretary on a 360×740 phone in large-text mode: no page
scrolls sideways, body text is at least 18 px and every tap target at least 44 px high."""

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.categories import categories_for
from wangge.appeals.services import appeal_create
from wangge.pairing.models import Pairing
from wangge.visits.services import policies_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Tap targets: buttons, button-like links, form fields and the menu.
TARGETS = (
    "button, .button, select, textarea, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), .mainnav a, .actions > a"
)
MEASURE = """(selector) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // hidden
    if (box.height < 44) small.push(el.outerHTML.slice(0, 80) + " " + Math.round(box.height));
  }
  return {
    width: document.documentElement.scrollWidth,
    font: parseFloat(getComputedStyle(document.body).fontSize),
    small: small,
  };
}"""


@pytest.fixture
def field_data(township_data):
    policies_seed(testing.TOWNSHIP)
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=40, name="周党员")
    user = testing.make_user("member-old", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    homes = [
        township_data["households"][0],
        testing.make_household(area_code=testing.VILLAGE_A + "001", seq=41, head_name="汪小河"),
    ]
    for home in homes:
        pairing = Pairing(member=member, household=home, started_on="2025-01-01")
        pairing.set_area(home.area)
        pairing.save()
    category = categories_for(testing.TOWNSHIP).first()
    for text in ["村口路灯坏了，晚上看不见路，老人出门不方便", "水管漏水"]:
        appeal_create(
            actor=user, household=homes[0], category=category, text=text, channel="member"
        )
    return {"member": user, "homes": homes}


def _large_text(page, live_server) -> None:
    page.context.add_cookies([{"name": "large_text", "value": "1", "url": live_server.url}])


def _check(page, who: str, paths) -> dict:
    problems = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        found = page.evaluate(MEASURE, TARGETS)
        bad = []
        if found["width"] > 360:
            bad.append(f"scrollWidth {found['width']}")
        if found["font"] < 18:
            bad.append(f"font {found['font']}px")
        bad += found["small"][:5]
        if bad:
            problems[path] = bad
        page.screenshot(path=f"/tmp/wangge-large-{who}{path.replace('/', '-')}.png", full_page=True)
    return problems


def test_member_pages_fit_a_phone_in_large_text(phone_page, live_server, field_data, log_in):
    _large_text(phone_page, live_server)
    log_in(phone_page, "member-old")
    home = field_data["homes"][0]
    paths = [
        "/visits/",
        f"/visits/log/{home.pk}/",
        "/visits/mine/",
        "/requests/",
        "/pairing/mine/",
        f"/households/{home.pk}/",
        "/inbox/",
    ]
    assert _check(phone_page, "member", paths) == {}


def test_secretary_pages_fit_a_phone_in_large_text(phone_page, live_server, field_data, log_in):
    _large_text(phone_page, live_server)
    log_in(phone_page, "secretary-a")
    home = field_data["homes"][0]
    paths = [
        "/",
        "/members/",
        "/households/",
        f"/households/{home.pk}/",
        "/grids/",
        "/pairing/",
        "/requests/",
        "/requests/all/",
        "/visits/overview/",
        "/flags/queue/",
        "/assistance/",
        "/requests/metrics/",
    ]
    assert _check(phone_page, "secretary", paths) == {}
