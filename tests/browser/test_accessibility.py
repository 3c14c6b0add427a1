"""axe-core on the pages members over 60 and residents use most, on a 360 px phone in large
text: no serious or critical violations. axe-core is an npm devDependency (``make setup``
runs ``npm ci``); it is injected into the page, which needs the page's CSP bypassed."""

from pathlib import Path

import pytest

from wangge.appeals.models import Channel
from wangge.appeals.posters import grid_qr_key
from wangge.appeals.services import appeal_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def _violations(page) -> list[str]:
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: run `npm ci`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def axe_page(new_page):
    return new_page("phone", bypass_csp=True)


def test_member_pages_have_no_serious_violations(axe_page, field_member, qr_grid, log_in):
    page = axe_page
    log_in(page, "member-phone")
    home = field_member["homes"][0]
    appeal_create(
        actor=field_member["user"],
        household=home,
        category=None,
        text="路灯坏了",
        channel=Channel.MEMBER,
    )
    found = {}
    for url in ("/visits/", f"/visits/log/{home.pk}/", "/requests/"):
        page.goto(url)
        found[url] = _violations(page)
    assert found == {url: [] for url in found}


def test_resident_pages_have_no_serious_violations(axe_page, qr_grid):
    page = axe_page
    found = {}
    for url in (f"/requests/q/{grid_qr_key(qr_grid['grid'])}/", "/requests/track/"):
        page.goto(url)
        found[url] = _violations(page)
    page.fill("#ticket", "261128-ABCDE")
    page.fill("#phone", "13900000000")
    page.locator("button.primary").click()
    page.wait_for_selector("[role=alert]")
    found["track: not found"] = _violations(page)
    assert found == {url: [] for url in found}


def test_bulletin_page_has_no_serious_violations(axe_page, township_data, log_in):
    """The township leader's bulletin (通报), with its chooser and tables."""
    page = axe_page
    log_in(page)
    page.goto("/reports/bulletin/")
    page.get_by_role("button", name="在本页显示").click()
    page.wait_for_selector("#bulletin")
    assert _violations(page) == []
