"""Campaign kinds, scope and period on the one engine."""

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.campaigns.models import Campaign

OTHER_TOWNSHIP = "340827100"


@pytest.fixture
def headers(township_admin):
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(township_admin)}"}


def _new(client, headers, **over):
    body = {
        "name": "2021年秸秆禁烧",
        "kind": "straw_burning",
        "area_code": testing.TOWNSHIP,
        "starts_on": "2021-05-20",
        "ends_on": "2021-07-10",
        **over,
    }
    return client.post("/api/v1/campaigns", body, content_type="application/json", **headers)


def test_api_creates_a_straw_burning_campaign_with_kind_scope_period(client, headers):
    made = _new(client, headers)
    assert made.status_code == 201
    listed = client.get("/api/v1/campaigns", **headers).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["kind"] == "straw_burning" and item["area_code"] == testing.TOWNSHIP
    assert (item["starts_on"], item["ends_on"]) == ("2021-05-20", "2021-07-10")
    assert item["collects_opinions"] is False


def test_campaign_outside_the_creators_scope_is_404_and_stores_nothing(client, headers, regions):
    from wangge.regions.models import Level, Region

    Region.objects.get_or_create(
        code=OTHER_TOWNSHIP,
        defaults={"name": "别乡", "level": Level.TOWNSHIP, "parent_id": "340827"},
    )
    assert _new(client, headers, area_code=OTHER_TOWNSHIP).status_code == 404
    assert _new(client, headers, area_code="340827999").status_code == 404
    assert _new(client, headers, ends_on="2021-01-01").status_code in (400, 422)
    assert not Campaign.objects.exists()


def test_village_secretary_may_not_create(client, regions):
    user = testing.make_user("sec", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}
    assert _new(client, headers, area_code=testing.VILLAGE_A).status_code == 403


def test_page_creates_a_forest_fire_campaign(client, township_admin):
    client.force_login(township_admin)
    page = client.post(
        "/campaigns/new/",
        {
            "name": "森林防火",
            "kind": "forest_fire",
            "area": testing.TOWNSHIP,
            "starts_on": "2021-01-01",
            "ends_on": "2021-04-30",
        },
    )
    assert page.status_code == 302
    assert Campaign.objects.get().kind == "forest_fire"
