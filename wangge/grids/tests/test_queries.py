"""The grid pages ask the database the same number of questions however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge import testing
from wangge.grids.models import GridMember
from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
PAGES = [
    "/grids/",
    "/grids/layer/service/",
    "/grids/layer/service/gaps/members/",
    "/grids/layer/service/gaps/households/",
    "/grids/layer/service/gaps/unled/",
    "/grids/layer/service/gaps/large/",
    "/grids/layer/service/gaps/small/",
    "/requests/grids/posters/",
]


def _add_grids(layer, start: int, count: int) -> None:
    """``count`` level-4 grids, each with a leader, a member, two households and a loose
    member and household outside any grid."""
    hamlet = Region.objects.get(code=HAMLET_A)
    for n in range(start, start + count):
        leader = testing.make_member(area_code=HAMLET_A, seq=3 * n, name=f"组长{n}")
        helper = testing.make_member(area_code=HAMLET_A, seq=3 * n + 1, name=f"组员{n}")
        testing.make_member(area_code=HAMLET_A, seq=3 * n + 2, name=f"未入格{n}")
        grid = grid_create(
            actor=None, layer=layer, name=f"网格{n}", area=hamlet, level=4, responsible=leader
        )
        GridMember.objects.create(grid=grid, member=helper)
        homes = [
            testing.make_household(area_code=HAMLET_A + "001", seq=3 * n + k, head_name=f"户{n}{k}")
            for k in range(3)
        ]
        grid_assign_households(actor=None, grid=grid, households=homes[:2])


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


@pytest.mark.parametrize("who", ["township_admin", "secretary_a"])
def test_grid_pages_do_not_query_per_row(client, request, tags, who):
    """GIVEN two grids WHEN twelve more are added (with leaders, members and households)
    THEN every grid page, its gap lists and the posters make no more queries than before."""
    user = request.getfixturevalue(who)
    layer = next(layer for layer in grid_layers_seed() if layer.slug == "service")
    _add_grids(layer, 1, 2)
    client.force_login(user)
    _counts(client)  # warm caches (sessions, content types)
    before = _counts(client)
    _add_grids(layer, 3, 12)
    _counts(client)  # the posters give each new grid its QR key once (a write, then never)
    after = _counts(client)
    assert after == before
