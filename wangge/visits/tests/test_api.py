"""The visits API: due list, logging with an idempotency key, scope, policies, roll-up."""

import datetime
import json

import pytest
from django.utils import timezone

from wangge import testing
from wangge.visits.models import Visit, VisitPolicy


def _auth(user):
    raw = testing.api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, path, body, auth, method="post"):
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **auth
    )


@pytest.fixture
def auth(world):
    return _auth(world["user"])


def test_due_then_log_then_not_due(client, world, auth):
    due = client.get("/api/v1/visits/due", **auth).json()
    assert due["count"] == 2
    due = due["items"]
    assert {d["household_id"] for d in due} == {world["hardship"].pk, world["plain"].pk}
    assert {d["status"] for d in due} == {"overdue"}
    body = {"household_id": world["plain"].pk, "found": "一切正常", "client_key": "abcdef123456"}
    first = _post(client, "/api/v1/visits", body, auth)
    assert first.status_code == 201, first.content
    again = _post(client, "/api/v1/visits", body, auth)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    visit = Visit.objects.get()
    assert visit.visited_on == timezone.localdate() and visit.member == world["member"]
    due = client.get("/api/v1/visits/due", **auth).json()["items"]
    assert [d["household_id"] for d in due] == [world["hardship"].pk]
    listed = client.get("/api/v1/visits", **auth).json()
    assert listed["count"] == 1 and listed["items"][0]["found"] == "一切正常"
    mine = client.get("/api/v1/visits/mine", **auth).json()
    assert mine["count"] == 2 and {m["status"] for m in mine["items"]} == {"overdue", "ok"}
    first = client.get("/api/v1/visits/mine?limit=1&offset=1", **auth).json()
    assert first["count"] == 2 and first["items"] == mine["items"][1:]


def test_bad_visits_are_refused(client, world, auth):
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    r = _post(
        client, "/api/v1/visits", {"household_id": world["plain"].pk, "visited_on": future}, auth
    )
    assert r.status_code == 422 and "future" in r.json()["message"]
    r = _post(client, "/api/v1/visits", {"household_id": world["far"].pk}, auth)
    assert r.status_code == 404
    r = _post(client, "/api/v1/visits", {"household_id": world["unpaired"].pk}, auth)
    assert r.status_code == 404
    r = _post(
        client,
        "/api/v1/visits",
        {"household_id": world["plain"].pk, "client_key": "bad key!"},
        auth,
    )
    assert r.status_code == 422
    assert not Visit.objects.exists()


def test_outsiders_see_no_visits(client, world, auth, secretary_b):
    _post(client, "/api/v1/visits", {"household_id": world["plain"].pk}, auth)
    visit = Visit.objects.get()
    other = _auth(secretary_b)
    assert client.get(f"/api/v1/visits/{visit.pk}", **other).status_code == 404
    assert client.get("/api/v1/visits", **other).json()["count"] == 0
    rollup = client.get("/api/v1/visits/rollup", **other).json()
    assert [v["code"] for v in rollup["villages"]] == [testing.VILLAGE_B]
    assert client.get("/api/v1/visits/rollup", **auth).status_code == 403


def test_policies_read_and_update(client, world, township_admin, secretary_a):
    admin = _auth(township_admin)
    policies = client.get("/api/v1/visits/policies", **admin).json()
    assert policies["count"] == 4
    assert {p["tag"]: p["interval_days"] for p in policies["items"]} == {
        "hardship": 30,
        "dispute": 14,
        "low_income": 30,
        None: 90,
    }
    body = {"township_code": testing.TOWNSHIP, "tag": "migrant", "interval_days": 60}
    r = _post(client, "/api/v1/visits/policies", body, admin, method="put")
    assert r.status_code == 200 and r.json()["interval_days"] == 60
    stale = {**body, "interval_days": 45, "version": 0}
    assert _post(client, "/api/v1/visits/policies", stale, admin, method="put").status_code == 409
    denied = _post(client, "/api/v1/visits/policies", body, _auth(secretary_a), method="put")
    assert denied.status_code == 403
    policy = VisitPolicy.objects.get(tag__slug="migrant")
    assert client.delete(f"/api/v1/visits/policies/{policy.pk}", **admin).status_code == 204
    assert not VisitPolicy.objects.filter(tag__slug="migrant").exists()


def test_photo_is_attached_once_by_the_visits_writer(client, world, auth, settings, tmp_path):
    import io

    from django.core.files.storage import default_storage
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    _post(client, "/api/v1/visits", {"household_id": world["plain"].pk}, auth)
    visit = Visit.objects.get()
    bad = client.post(
        f"/api/v1/visits/{visit.pk}/photo",
        {"photo": io.BytesIO(b"not an image")},
        **auth,
    )
    assert bad.status_code == 422 and "not a photo" in bad.json()["message"]
    picture = io.BytesIO()
    Image.new("RGB", (20, 20)).save(picture, format="PNG")
    picture.seek(0)
    picture.name = "p.png"
    ok = client.post(f"/api/v1/visits/{visit.pk}/photo", {"photo": picture}, **auth)
    assert ok.status_code == 200 and ok.json()["has_photo"]
    visit.refresh_from_db()
    assert default_storage.exists(visit.photo)
    picture.seek(0)
    again = client.post(f"/api/v1/visits/{visit.pk}/photo", {"photo": picture}, **auth)
    assert again.status_code == 409
    assert len(list((tmp_path / "visits" / testing.TOWNSHIP).iterdir())) == 1
