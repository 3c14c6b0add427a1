import datetime

import pytest
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import ApiToken
from wangge.accounts.tokens import token_issue
from wangge.households.models import Household


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token_a(secretary_a):
    raw, _token = token_issue(user=secretary_a)
    return raw


def test_token_from_password_then_scoped_list(client, secretary_a, tags):
    testing.make_household(area_code=testing.VILLAGE_A + "001", seq=1)
    testing.make_household(area_code=testing.VILLAGE_B + "001", seq=2)
    response = client.post(
        "/api/v1/auth/token",
        {"username": "secretary-a", "password": testing.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    raw = response.json()["token"]

    listing = client.get("/api/v1/households", **bearer(raw)).json()
    assert listing["count"] == 1
    assert listing["items"][0]["area_code"].startswith(testing.VILLAGE_A)
    assert "*" in listing["items"][0]["head_id_masked"]


def test_wrong_password_is_401_with_message(client, secretary_a):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "secretary-a", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda t: ApiToken.objects.update(expires_at=timezone.now()), "expired"),
        (lambda t: ApiToken.objects.update(revoked_at=timezone.now()), "revoked"),
    ],
)
def test_expired_and_revoked_tokens_are_401(client, token_a, mutate, words):
    mutate(token_a)
    response = client.get("/api/v1/households", **bearer(token_a))
    assert response.status_code == 401
    assert words in response.json()["message"]


def test_malformed_token_is_401(client, regions):
    response = client.get("/api/v1/households", **bearer("not-a-token"))
    assert response.status_code == 401
    assert "malformed" in response.json()["message"]


def test_anonymous_is_401(client, regions):
    assert client.get("/api/v1/members").status_code == 401


def test_revoke_own_token(client, token_a):
    assert client.delete("/api/v1/auth/token", **bearer(token_a)).status_code == 204
    assert client.get("/api/v1/households", **bearer(token_a)).status_code == 401


def test_other_village_household_is_404(client, token_a, tags):
    other = testing.make_household(area_code=testing.VILLAGE_B + "001", seq=3)
    response = client.get(f"/api/v1/households/{other.pk}", **bearer(token_a))
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."} or (
        response.json()["code"] == "not_found"
    )


def test_create_and_patch_household_with_version(client, token_a, tags):
    payload = {
        "head_name": "汪小明",
        "head_id_number": testing.make_id(datetime.date(1970, 1, 2), 41),
        "address": "汪屋8号",
        "area_code": testing.VILLAGE_A + "001",
        "phone": "13800001111",
        "tags": ["hardship"],
    }
    created = client.post(
        "/api/v1/households", payload, content_type="application/json", **bearer(token_a)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["hardship"]
    assert body["phone_masked"] == "138****1111"

    url = f"/api/v1/households/{body['id']}"
    ok = client.patch(
        url, {"version": 1, "size": 4}, content_type="application/json", **bearer(token_a)
    )
    assert ok.status_code == 200 and ok.json()["size"] == 4
    stale = client.patch(
        url, {"version": 1, "size": 5}, content_type="application/json", **bearer(token_a)
    )
    assert stale.status_code == 409
    assert Household.objects.get(pk=body["id"]).size == 4


def test_invalid_id_number_is_422_with_field_message(client, token_a, tags):
    good = testing.make_id(datetime.date(1970, 1, 2), 41)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        "/api/v1/households",
        {
            "head_name": "汪小明",
            "head_id_number": bad,
            "address": "汪屋8号",
            "area_code": testing.VILLAGE_A + "001",
        },
        content_type="application/json",
        **bearer(token_a),
    )
    assert response.status_code == 422
    assert "head_id_number" in response.json()["fields"]
    assert not Household.objects.exists()


def test_creating_in_another_village_is_refused(client, token_a, tags):
    response = client.post(
        "/api/v1/households",
        {
            "head_name": "郭大",
            "head_id_number": testing.make_id(datetime.date(1970, 1, 2), 43),
            "address": "郭屋1号",
            "area_code": testing.VILLAGE_B + "001",
        },
        content_type="application/json",
        **bearer(token_a),
    )
    assert response.status_code == 422
    assert not Household.objects.exists()


def test_member_role_cannot_write(client, member_a, tags):
    raw, _token = token_issue(user=member_a)
    response = client.post(
        "/api/v1/households",
        {
            "head_name": "汪二",
            "head_id_number": testing.make_id(datetime.date(1971, 1, 2), 45),
            "address": "汪屋2号",
            "area_code": testing.VILLAGE_A + "001",
        },
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 403
    assert not Household.objects.exists()


def test_openapi_schema_lists_routes(client, regions):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ["/api/v1/households", "/api/v1/members/{member_id}", "/api/v1/regions"]:
        assert path in schema["paths"]
