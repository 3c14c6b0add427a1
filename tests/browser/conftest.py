"""Playwright (sync API) against pytest-django's live server, with Debian's Chromium.

Every browser test is marked ``browser`` and uses ``transaction=True`` so the live server's
thread sees the data the test wrote. Works under xdist: each worker has its own browser and
live server on its own port.
"""

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.categories import categories_for
from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
from wangge.pairing.models import Pairing
from wangge.regions.models import Region
from wangge.visits.services import policies_seed

VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 860}}


@pytest.fixture(autouse=True)
def _product_language(settings):
    """The suite runs in English (test_settings); pages in the browser show the product's
    default, Simplified Chinese, whatever the browser asks for."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def new_page(browser, live_server):
    """``new_page("phone")`` or ``new_page("desktop")``: a fresh context pointed at the server."""
    contexts = []

    def make(viewport: str = "desktop", *, locale: str = "zh-CN", bypass_csp: bool = False):
        context = browser.new_context(
            bypass_csp=bypass_csp,  # only to inject a checker (axe-core) into the page
            viewport=VIEWPORTS[viewport],
            base_url=live_server.url,
            locale=locale,
            is_mobile=viewport == "phone",
            has_touch=viewport == "phone",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page("desktop")


@pytest.fixture
def phone_page(new_page):
    return new_page("phone")


@pytest.fixture
def township_data(transactional_db):
    """Two villages with members and households; a township leader (reads everything, no
    two-step login) and the two village secretaries (write their own village)."""
    testing.build_regions()
    tags = testing.build_tags()
    admin = testing.make_user("township-leader", Role.TOWNSHIP_LEADER, testing.TOWNSHIP)
    testing.make_user("secretary-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    testing.make_user("secretary-b", Role.VILLAGE_SECRETARY, testing.VILLAGE_B)
    for seq, name in enumerate(["王建国", "李秀英", "张伟", "刘芳"]):
        testing.make_member(area_code=testing.VILLAGE_A, seq=seq, name=name, actor=admin)
    testing.make_member(area_code=testing.VILLAGE_B, seq=9, name="陈明", actor=admin)
    households = [
        testing.make_household(
            area_code=testing.VILLAGE_A + "001001", seq=20, head_name="汪大海", tags=tags[:2]
        ),
        testing.make_household(area_code=testing.VILLAGE_B + "001", seq=21, head_name="郭小军"),
    ]
    return {"admin": admin, "households": households}


@pytest.fixture
def transferred():
    """``transferred(page, url)`` → (bytes over the network, URLs loaded) for opening ``url``
    with the browser's cache off, as a phone on its first visit would."""

    def measure(page, url: str) -> tuple[int, list[str]]:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        # The visit pages' service worker would answer from its own fetches, which this
        # page's network log counts as 0 bytes: measure the network itself.
        cdp.send("Network.setBypassServiceWorker", {"bypass": True})
        sizes: dict[str, int] = {}
        urls: dict[str, str] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        page.goto(url, wait_until="networkidle")
        return sum(sizes.values()), sorted(urls[r] for r in sizes if r in urls)

    return measure


@pytest.fixture
def log_in():
    """``log_in(page, username)``: log in through the real login page."""

    def go(page, username: str = "township-leader", password: str = testing.PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return go


@pytest.fixture
def qr_grid(township_data, settings):
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    service = next(layer for layer in grid_layers_seed() if layer.has_levels)
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=50, name="网格员甲")
    user = testing.make_user("grid-member", testing.Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    grid = grid_create(
        actor=None,
        layer=service,
        name="汪屋一组网格",
        area=Region.objects.get(code=testing.VILLAGE_A + "001001"),
        level=4,
        responsible=member,
    )
    grid_assign_households(actor=None, grid=grid, households=township_data["households"][:1])
    categories_for(testing.TOWNSHIP)
    return {"grid": grid, "user": user}


@pytest.fixture
def field_member(township_data):
    policies_seed(testing.TOWNSHIP)
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=40, name="周党员")
    user = testing.make_user("member-phone", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.large_text = True
    user.save(update_fields=["member", "large_text"])
    homes = [
        township_data["households"][0],
        testing.make_household(area_code=testing.VILLAGE_A + "001", seq=41, head_name="汪小河"),
    ]
    for home in homes:
        pairing = Pairing(member=member, household=home, started_on="2025-01-01")
        pairing.set_area(home.area)
        pairing.save()
    return {"user": user, "homes": homes}
