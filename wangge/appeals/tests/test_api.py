import pytest

from wangge import testing
from wangge.appeals.models import Appeal, State


def _auth(user):
    raw = testing.api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def created(client, world):
    response = client.post(
        "/api/v1/requests",
        {
            "household_id": world.household.pk,
            "category_id": world.categories["water"].pk,
            "text": "<b>水管</b>漏水",
            "idempotency_key": "k-1",
        },
        content_type="application/json",
        **_auth(world.users[4]),
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_is_idempotent_and_routed(client, world, created):
    assert created["state"] == "submitted" and created["level"] == 4
    assert created["assignee_member_id"] == world.members[4].pk
    assert created["events"][0]["kind"] == "created"
    again = client.post(
        "/api/v1/requests",
        {
            "household_id": world.household.pk,
            "category_id": world.categories["water"].pk,
            "text": "again",
            "idempotency_key": "k-1",
        },
        content_type="application/json",
        **_auth(world.users[4]),
    )
    assert again.json()["id"] == created["id"]
    assert Appeal.objects.count() == 1


def test_full_lifecycle_and_out_of_order(client, world, created):
    auth = _auth(world.users[4])
    url = f"/api/v1/requests/{created['id']}"

    def act(action, note=""):
        return client.post(
            url + "/transitions",
            {"action": action, "note": note},
            content_type="application/json",
            **auth,
        )

    refused = act("resolve", "done")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_state"
    assert act("accept").json()["state"] == "accepted"
    assert act("start").json()["state"] == "in_progress"
    assert act("resolve", "修好了").json()["state"] == "resolved"
    own = client.post(
        url + "/rate", {"rating": "satisfied"}, content_type="application/json", **auth
    )
    assert own.status_code == 403  # the resolver may not grade their own work
    rated = client.post(
        url + "/rate",
        {"rating": "unsatisfied"},
        content_type="application/json",
        **_auth(world.users[2]),
    )
    body = rated.json()
    assert body["state"] == "in_progress" and body["level"] == 3 and body["reopen_count"] == 1
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[-3:] == ["rated", "reopened", "escalated"]
    listing = client.get("/api/v1/requests?state=in_progress", **auth).json()
    assert listing["count"] == 1
    assert client.get("/api/v1/requests/mine", **_auth(world.users[3])).json()["count"] == 1


def test_scope_and_permissions(client, world, created, secretary_b, member_a):
    url = f"/api/v1/requests/{created['id']}"
    assert client.get(url, **_auth(secretary_b)).status_code == 404
    assert client.get("/api/v1/requests", **_auth(secretary_b)).json()["count"] == 0
    refused = client.post(
        url + "/transitions",
        {"action": "accept"},
        content_type="application/json",
        **_auth(member_a),
    )
    # An ordinary member sees only their own requests: another's is not there for them.
    assert refused.status_code == 404
    assert Appeal.objects.get().state == State.SUBMITTED
    other = client.post(
        "/api/v1/requests",
        {
            "household_id": world.household.pk,
            "category_id": world.categories["water"].pk,
            "text": "x",
        },
        content_type="application/json",
        **_auth(secretary_b),
    )
    assert other.status_code == 422


def test_categories_listed(client, world):
    body = client.get("/api/v1/requests/categories", **_auth(world.users[4])).json()
    assert {"water", "hazard"} <= {c["slug"] for c in body["items"]}
    assert body["count"] == len(body["items"])
    page = client.get("/api/v1/requests/categories?limit=2&offset=1", **_auth(world.users[4]))
    assert page.json()["count"] == body["count"]
    assert [c["slug"] for c in page.json()["items"]] == [c["slug"] for c in body["items"][1:3]]
