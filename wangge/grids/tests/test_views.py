import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.grids.models import Grid, GridHousehold
from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


@pytest.fixture
def layers(db):
    return {layer.slug: layer for layer in grid_layers_seed()}


@pytest.fixture
def grid_a(regions, layers):
    grid = grid_create(
        actor=None,
        layer=layers["epidemic"],
        name="汪屋1号网格",
        area=Region.objects.get(code=HAMLET_A),
    )
    household = testing.make_household(area_code=HAMLET_A + "001", seq=1, head_name="汪大")
    grid_assign_households(actor=None, grid=grid, households=[household])
    return grid


def test_layer_index_shows_coverage(client, secretary_a, grid_a):
    testing.make_household(area_code=HAMLET_A + "001", seq=2, head_name="汪二")
    client.force_login(secretary_a)
    page = client.get("/grids/").content.decode()
    assert "防疫网格" in page or "Epidemic grid" in page
    gaps = client.get("/grids/layer/epidemic/gaps/households/").content.decode()
    assert "汪二" in gaps and "汪大" not in gaps


def test_grid_page_lists_households(client, secretary_a, grid_a):
    client.force_login(secretary_a)
    page = client.get(f"/grids/{grid_a.pk}/").content.decode()
    assert "汪屋1号网格" in page and "汪大" in page


def test_other_village_grid_is_404(client, secretary_b, grid_a):
    client.force_login(secretary_b)
    assert client.get(f"/grids/{grid_a.pk}/").status_code == 404
    assert client.post(f"/grids/{grid_a.pk}/edit/", {"name": "x"}).status_code == 404


def test_member_cannot_edit(client, regions, grid_a):
    """A township leader reads grids but does not edit them."""
    client.force_login(testing.make_user("leader-a", Role.TOWNSHIP_LEADER, testing.VILLAGE_A))
    assert client.get(f"/grids/{grid_a.pk}/").status_code == 200
    response = client.post(f"/grids/{grid_a.pk}/edit/", {"name": "改名", "version": 1})
    assert response.status_code == 403
    assert Grid.objects.get(pk=grid_a.pk).name == "汪屋1号网格"


def test_create_grid_without_area_explains(client, secretary_a, layers):
    client.force_login(secretary_a)
    response = client.post("/grids/layer/governance/new/", {"name": "新网格"})
    assert response.status_code == 200
    assert not Grid.objects.exists()
    assert "area" in response.context["form"].errors


def test_auto_split_through_the_page(client, township_admin, layers):
    # One villager group of 7 at a target of 3: more than twice the target, so it is cut.
    for i in range(7):
        testing.make_household(area_code=HAMLET_B + "001", seq=20 + i)
    client.force_login(township_admin)
    response = client.post(
        "/grids/layer/epidemic/auto-split/", {"hamlet": HAMLET_B, "target_size": 3}
    )
    assert response.status_code == 302
    assert GridHousehold.objects.filter(layer__slug="epidemic").count() == 7
    assert Grid.objects.filter(area_code=HAMLET_B).count() == 3


def test_edit_with_stale_version_is_refused(client, secretary_a, grid_a):
    client.force_login(secretary_a)
    ok = client.post(f"/grids/{grid_a.pk}/edit/", {"name": "第一次", "version": 1})
    assert ok.status_code == 302
    stale = client.post(f"/grids/{grid_a.pk}/edit/", {"name": "第二次", "version": 1})
    assert stale.status_code == 200
    assert Grid.objects.get(pk=grid_a.pk).name == "第一次"


@pytest.mark.parametrize("value", ["abc", "9" * 40, "-1"])
def test_assign_with_a_household_id_not_from_the_list_says_so(client, secretary_a, grid_a, value):
    other = testing.make_household(area_code=HAMLET_A + "001", seq=3, head_name="汪三")
    client.force_login(secretary_a)
    page = client.post(f"/grids/{grid_a.pk}/assign/", {"households": [value]})
    assert page.status_code == 200
    assert "Tick the households to move into this grid." in page.content.decode()
    assert not GridHousehold.objects.filter(household=other).exists()
    assert GridHousehold.objects.filter(grid=grid_a).count() == 1


def test_merge_with_a_grid_id_not_from_the_list_says_so(client, secretary_a, grid_a, layers):
    client.force_login(secretary_a)
    page = client.post(f"/grids/{grid_a.pk}/merge/", {"sources": ["abc", "9" * 40]})
    assert page.status_code == 200
    assert "Tick at least one grid to merge into this one." in page.content.decode()
    assert Grid.objects.filter(pk=grid_a.pk).exists()
