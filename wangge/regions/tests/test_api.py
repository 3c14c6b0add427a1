from wangge import testing
from wangge.party.models import Organisation
from wangge.regions.models import Region


def _auth(user):
    raw = testing.api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_secretary_adds_and_renames_a_hamlet(client, secretary_a):
    auth = _auth(secretary_a)
    code = testing.VILLAGE_A + "002"
    created = client.post(
        "/api/v1/regions",
        {"code": code, "name": "李屋", "parent_code": testing.VILLAGE_A},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert created.json() == {
        "code": code,
        "name": "李屋",
        "level": "hamlet",
        "parent_code": testing.VILLAGE_A,
        "area_code": code,
    }
    renamed = client.patch(
        f"/api/v1/regions/{code}", {"name": "李家屋"}, content_type="application/json", **auth
    )
    assert renamed.json()["name"] == "李家屋"


def test_bad_region_codes_are_explained(client, secretary_a):
    auth = _auth(secretary_a)
    wrong = client.post(
        "/api/v1/regions",
        {"code": "12345", "name": "错", "parent_code": testing.VILLAGE_A},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 422 and "code" in wrong.json()["fields"]
    elsewhere = client.post(
        "/api/v1/regions",
        {"code": testing.VILLAGE_B + "009", "name": "外村", "parent_code": testing.VILLAGE_B},
        content_type="application/json",
        **auth,
    )
    assert elsewhere.status_code == 422
    assert not Region.objects.filter(code__in=["12345", testing.VILLAGE_B + "009"]).exists()


def test_regions_listing_is_scoped_but_shows_the_chain_above(client, secretary_a):
    codes = {
        r["code"]
        for r in client.get("/api/v1/regions?limit=100", **_auth(secretary_a)).json()["items"]
    }
    assert testing.VILLAGE_A in codes and testing.TOWNSHIP in codes
    assert testing.VILLAGE_B not in codes


def test_organisation_create_and_rename(client, secretary_a, member_a):
    auth = _auth(secretary_a)
    created = client.post(
        "/api/v1/organisations",
        {"name": "湖滨村第一党小组", "kind": "party_group", "area_code": testing.VILLAGE_A},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    org_id = created.json()["id"]
    duplicate = client.post(
        "/api/v1/organisations",
        {"name": "湖滨村第一党小组", "kind": "party_group", "area_code": testing.VILLAGE_A},
        content_type="application/json",
        **auth,
    )
    assert duplicate.status_code == 422
    readonly = client.patch(
        f"/api/v1/organisations/{org_id}",
        {"name": "改名"},
        content_type="application/json",
        **_auth(member_a),
    )
    assert readonly.status_code == 403
    assert Organisation.objects.get(pk=org_id).name == "湖滨村第一党小组"
