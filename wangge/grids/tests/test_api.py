from wangge import testing
from wangge.grids.models import GridHousehold
from wangge.grids.services import grid_layers_seed


def _auth(user):
    raw = testing.api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_create_list_assign_and_scope(client, secretary_a, secretary_b):
    grid_layers_seed()
    household = testing.make_household(area_code=testing.VILLAGE_A + "001001", seq=1)
    auth = _auth(secretary_a)
    created = client.post(
        "/api/v1/grids",
        {"layer": "governance", "name": "汪屋一组", "area_code": testing.VILLAGE_A + "001001"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    grid = created.json()
    assert grid["area_code"] == testing.VILLAGE_A + "001001"

    assigned = client.post(
        f"/api/v1/grids/{grid['id']}/households",
        {"household_ids": [household.pk]},
        content_type="application/json",
        **auth,
    )
    assert assigned.json()["household_count"] == 1
    assert GridHousehold.objects.filter(household=household).count() == 1

    listing = client.get("/api/v1/grids?layer=governance", **auth).json()
    assert listing["count"] == 1

    other = _auth(secretary_b)
    assert client.get(f"/api/v1/grids/{grid['id']}", **other).status_code == 404
    assert client.get("/api/v1/grids", **other).json()["count"] == 0


def test_grid_without_valid_area_is_422(client, secretary_a):
    grid_layers_seed()
    response = client.post(
        "/api/v1/grids",
        {"layer": "governance", "name": "无区域", "area_code": "999"},
        content_type="application/json",
        **_auth(secretary_a),
    )
    assert response.status_code == 422
    assert "area_code" in response.json()["fields"]
