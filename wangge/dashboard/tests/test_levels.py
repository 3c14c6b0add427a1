"""The dashboards per level: township, village (``?area=``), grid and member. Each figure comes
from the record as it is now (a write shows at the next load), opens the list behind it, and is
scoped: a village secretary sees their village only, and another village's dashboard is a 404."""

import re

import pytest
from django.utils import timezone

from wangge import testing
from wangge.grids.models import GridLayer
from wangge.grids.services import grid_assign_households, grid_create
from wangge.households.models import Household
from wangge.regions.models import Region
from wangge.reports.tests.conftest import HAMLET_A, scene  # noqa: F401  (the shared scene)

pytestmark = pytest.mark.django_db


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z0-9_]+)">([^<]*)<', html))


def _links(html: str) -> dict[str, str]:
    return {
        key: url.replace("&amp;", "&")
        for url, key in re.findall(r'<a href="([^"]+)" data-list="([a-z0-9_]+)"', html)
    }


def test_township_dashboard_figures_open_their_lists(client, scene):  # noqa: F811
    Region.objects.filter(code=testing.TOWNSHIP).update(area_km2="138.52")
    client.force_login(scene["admin"])
    page = client.get("/").content.decode()
    assert "138.52 km²" in page
    figures = _figures(page)
    assert figures["members"] == "1" and figures["households"] == "3"
    assert figures["key_households"] == "2" and figures["key_unpaired"] == "1"
    assert figures["visits_paired"] == "1" and figures["visits_overdue"] == "0"
    assert figures["requests_done"] == "1" and figures["satisfaction_rate"] == "100.0"
    assert "campaigns_running" in figures  # filled in by the campaigns app
    links = _links(page)
    assert {"members", "members_mobile", "key_unpaired", "visits_overdue", "flags_raised",
            "plans_open", "requests_submitted", "satisfaction_rate"} <= set(links)  # fmt: skip
    for key, url in links.items():
        assert client.get(url).status_code == 200, (key, url)
    assert links["members_over_60"].endswith("age_band=60plus")
    # The village dashboards are one tap away.
    assert f'href="?area={testing.VILLAGE_A}"' in page


def test_a_write_shows_at_the_next_load(client, scene):  # noqa: F811
    client.force_login(scene["admin"])
    before = _figures(client.get("/").content.decode())
    testing.make_member(area_code=HAMLET_A, seq=2, name="李党员")
    after = _figures(client.get("/").content.decode())
    assert int(after["members"]) == int(before["members"]) + 1


def test_village_dashboards_are_scoped(client, scene):  # noqa: F811
    client.force_login(scene["admin"])
    village = _figures(client.get("/", {"area": testing.VILLAGE_A}).content.decode())
    assert village["households"] == "2" and village["members"] == "1"
    assert client.get("/", {"area": "340827999"}).status_code == 404
    client.force_login(scene["b"])
    own = _figures(client.get("/").content.decode())
    assert own["households"] == "1" and own["members"] == "0"
    assert client.get("/", {"area": testing.VILLAGE_A}).status_code == 404
    assert client.get("/", {"area": testing.TOWNSHIP}).status_code == 404


def test_grid_and_member_dashboards(client, scene):  # noqa: F811
    layer = GridLayer.objects.get(slug="service")
    grid = grid_create(
        actor=None, layer=layer, name="汪屋网格", area=Region.objects.get(code=HAMLET_A), level=4
    )
    grid_assign_households(
        actor=None, grid=grid, households=Household.objects.filter(area_code=HAMLET_A)
    )
    client.force_login(scene["a"])
    assert 'id="grid-dashboard"' in client.get(f"/grids/{grid.pk}/").content.decode()
    figures = _figures(client.get(f"/dashboard/grid/{grid.pk}/").content.decode())
    assert figures["households"] == "2" and figures["households_in_grid"] == "2"
    assert figures["visits_paired"] == "1"
    client.force_login(scene["b"])
    assert client.get(f"/dashboard/grid/{grid.pk}/").status_code == 404
    assert client.get("/dashboard/me/").status_code == 404  # not a member
    member = testing.make_user("field-member-2", None, None)
    client.force_login(member)
    assert client.get("/dashboard/me/").status_code == 404
    from wangge.accounts.models import User

    field = User.objects.get(username="field-member")
    client.force_login(field)
    page = client.get("/dashboard/me/").content.decode()
    assert 'id="nav-my-dashboard"' in page
    mine = _figures(page)
    assert mine["my_households"] == "1" and mine["my_overdue"] == "0"
    for url in _links(page).values():
        assert client.get(url).status_code == 200, url
    assert timezone.localdate()  # the figures are today's


def test_the_rates_are_of_the_latest_year_with_requests(client, scene):  # noqa: F811
    import datetime

    from django.db.models import F

    from wangge.appeals.models import Appeal, AppealEvent

    year_ago = datetime.timedelta(days=366)
    Appeal.objects.update(created_at=F("created_at") - year_ago)
    AppealEvent.objects.update(at=F("at") - year_ago)
    client.force_login(scene["admin"])
    page = client.get("/").content.decode()
    last_year = (timezone.localtime() - year_ago).year
    assert f"Requests (rates for {last_year})" in page
    assert _figures(page)["satisfaction_rate"] == "100.0"
    assert f"period={last_year}" in _links(page)["satisfaction_rate"]
