# ruff: noqa: F811 (the scenario fixtures are imported from test_metrics)
"""The rates pages, drill-down lists and API: what each user sees, and that numbers link to
exactly the requests behind them."""

import re
from html import unescape

import pytest
from django.urls import reverse

from wangge import testing
from wangge.appeals.tests.test_metrics import clock, scenario  # noqa: F401 (fixtures)

PAGE = reverse("appeals_metrics:page")
LIST = reverse("appeals_metrics:list")


def _ids(s, *names):
    return {s.r[n].pk for n in names}


def _listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {int(x) for x in re.findall(r'data-request="(\d+)"', response.content.decode())}


def _links(html: str) -> dict[str, str]:
    """figure → first drill-down link on the page for it."""
    out = {}
    for href in re.findall(r'href="([^"]*/requests/metrics/list/[^"]*)"', html):
        href = unescape(href)
        figure = re.search(r"figure=(\w+)", href)[1]
        out.setdefault(figure, href)
    return out


def test_township_page_shows_rates_and_every_number_drills_down(scenario, admin_client):
    s = scenario
    response = admin_client.get(PAGE, {"period": "2026-11"})
    assert response.status_code == 200
    html = response.content.decode()
    total = html.split('data-row="total"')[1].split("</tr>")[0]
    assert "60%" in total  # response 3/5, satisfaction 3/5
    assert "75%" in total  # resolution 3/4
    assert "40%" in total  # escalation 2/5
    assert "66 h" in total  # median time to resolve
    assert "湖滨村委会" in html and "太华村委会" in html
    links = _links(total)
    assert _listed(admin_client, links["responded"]) == _ids(s, "r1", "r3", "r4")
    assert _listed(admin_client, links["routed"]) == _ids(s, "r1", "r2", "r3", "r4", "r7")
    assert _listed(admin_client, links["rated_solved"]) == _ids(s, "r1", "r2", "r5")
    assert _listed(admin_client, links["escalated"]) == _ids(s, "r3", "r4")
    assert _listed(admin_client, links["resolved"]) == _ids(s, "r1", "r2", "r3", "r5")
    ratings = admin_client.get(links["ratings"]).content.decode()
    assert 'data-count="5"' in ratings  # r3 rated twice
    village_b = html.split(f'data-row="{testing.VILLAGE_B}"')[1].split("</tr>")[0]
    assert _listed(admin_client, _links(village_b)["routed"]) == _ids(s, "r7")


def test_village_page_per_grid_and_member_sorted_by_name_without_rank(scenario, client):
    s = scenario
    client.force_login(s.world.users[2])  # village secretary of village A
    html = client.get(PAGE, {"period": "2026-11"}).content.decode()
    assert 'data-metrics="grids"' in html and 'data-metrics="members"' in html
    assert "党员甲" in html and "L4 · L4" in html
    assert "#1" not in html and "Rank" not in html
    members = html.split('data-metrics="members"')[1]
    assert _listed(client, _links(members)["escalated"]) == _ids(s, "r3", "r4")
    # Outside the village: 404, for the page and for the lists.
    assert client.get(PAGE, {"area": testing.VILLAGE_B}).status_code == 404
    assert client.get(PAGE, {"area": testing.TOWNSHIP}).status_code == 404
    assert client.get(LIST, {"figure": "routed", "area": testing.VILLAGE_B}).status_code == 404


def test_other_village_sees_only_theirs(scenario, secretary_b):
    from conftest import VerifiedClient

    client = VerifiedClient()
    client.force_login(secretary_b)
    html = client.get(PAGE, {"period": "2026-11"}).content.decode()
    total = html.split('data-row="total"')[1].split("</tr>")[0]
    assert _listed(client, _links(total)["routed"]) == _ids(scenario, "r7")
    assert client.get(PAGE, {"area": testing.VILLAGE_A}).status_code == 404


def test_member_sees_only_their_own_figures(scenario, client, member_a):
    s = scenario
    client.force_login(s.world.users[4])
    html = client.get(PAGE, {"period": "2026-11", "area": testing.VILLAGE_A}).content.decode()
    assert "My requests" in html and "Per member" not in html
    mine = {"figure": "routed", "area": testing.VILLAGE_A, "period": "2026-11"}
    own = dict(mine, member=s.world.members[4].pk)
    assert _listed(client, f"{LIST}?{'&'.join(f'{k}={v}' for k, v in own.items())}") == _ids(
        s, "r1", "r2", "r3", "r4"
    )
    assert 'data-metrics="grids"' not in html  # a grid's figures are a person's
    grid = dict(mine, grid=s.world.grids[4].pk)
    assert client.get(LIST, grid).status_code == 404
    # Another member's figures are not theirs to see.
    client.force_login(member_a)
    assert client.get(LIST, own).status_code == 404
    assert "党员甲" not in client.get(PAGE, {"period": "2026-11"}).content.decode()


def test_bad_period_and_figure(scenario, admin_client):
    response = admin_client.get(PAGE, {"period": "2026-13"})
    assert response.status_code == 200 and b'role="alert"' in response.content
    assert admin_client.get(LIST, {"figure": "nonsense"}).status_code == 404
    assert admin_client.get(LIST, {"figure": "routed", "grid": "x"}).status_code == 404
    custom = admin_client.get(PAGE, {"from": "2026-11-01", "to": "2026-11-06"})
    assert custom.status_code == 200 and b"2026-11-01 to 2026-11-06" in custom.content


def test_township_page_query_count_is_bounded(
    scenario, admin_client, django_assert_max_num_queries
):
    admin_client.get(PAGE, {"period": "2026-11"})  # warm the session and category caches
    with django_assert_max_num_queries(13):
        response = admin_client.get(PAGE, {"period": "2026-11"})
    assert response.status_code == 200


def test_api_returns_the_same_figures(scenario, admin_client):
    response = admin_client.get("/api/v1/requests-metrics", {"period": "2026-11"})
    assert response.status_code == 200
    body = response.json()
    assert body["area_code"] == testing.TOWNSHIP
    total = body["total"]
    assert (total["routed"], total["responded"], total["escalated"]) == (5, 3, 2)
    assert total["resolution_rate"] == pytest.approx(0.75)
    assert total["median_hours_to_resolve"] == 66.0
    children = {c["code"]: c["rates"]["routed"] for c in body["children"]}
    assert children == {testing.VILLAGE_A: 4, testing.VILLAGE_B: 1}
    assert body["period"] == {
        "key": "2026-11",
        "kind": "month",
        "start": "2026-11-01",
        "end": "2026-11-30",
    }
    bad = admin_client.get("/api/v1/requests-metrics", {"period": "soon"})
    assert bad.status_code == 422


def test_api_scope(scenario, secretary_b):
    from conftest import VerifiedClient

    client = VerifiedClient()
    client.force_login(secretary_b)
    assert (
        client.get("/api/v1/requests-metrics", {"area_code": testing.VILLAGE_A}).status_code == 404
    )
    body = client.get("/api/v1/requests-metrics", {"period": "2026-11"}).json()
    assert body["total"]["routed"] == 1 and body["members"] is not None


def test_overview_block(scenario, admin_client):
    overview = admin_client.get(reverse("dashboard:overview")).content.decode()
    assert reverse("appeals_metrics:block") in overview
    block = admin_client.get(reverse("appeals_metrics:block")).content.decode()
    # The clock stands at 30 November: this month's township figures.
    assert 'data-figure="response_rate"' in block and "60%" in block and "75%" in block
    assert _listed(admin_client, _links(block)["responded"]) == _ids(scenario, "r1", "r3", "r4")


def test_members_are_listed_by_name_not_by_figures(scenario, client, clock):
    """A second member with a perfect record is still listed after 党员甲 when the name says
    so: the order is the name's, never the rate's."""
    from wangge.appeals.services import appeal_accept, appeal_create
    from wangge.grids.services import grid_assign_households, grid_create
    from wangge.regions.models import Region

    w = scenario.world
    second = testing.make_member(area_code=testing.VILLAGE_A + "001001", seq=150, name="鲁班")
    grid = grid_create(
        actor=None,
        layer=w.grids[4].layer,
        name="L4-second",
        area=Region.objects.get(code=testing.VILLAGE_A + "001001"),
        level=4,
        parent=w.grids[3],
        responsible=second,
    )
    household = testing.make_household(area_code=testing.VILLAGE_A + "001001", seq=151)
    grid_assign_households(actor=None, grid=grid, households=[household])
    clock.at(11, 20, 9)
    req = appeal_create(
        actor=w.users[2],
        household=household,
        category=w.categories["water"],
        text="门前水沟堵了",
        channel="member",
    )
    clock.at(11, 20, 10)
    appeal_accept(actor=w.users[2], appeal=req)
    clock.at(11, 30, 18)
    client.force_login(w.users[2])
    html = client.get(PAGE, {"period": "2026-11"}).content.decode()
    members = html.split('data-metrics="members"')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row">([^<]+)</th>', members)
    assert names == sorted(names) == ["党员甲", "鲁班"]
