"""/api/v1/notices and /api/v1/feedback: scoped, lists as {items, count}, counts-only reach."""

import pytest

from wangge import testing
from wangge.notices.models import Feedback, Notice

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def _send(client, user, **payload):
    body = {"area_code": testing.TOWNSHIP, "title": "禁烧通知", "body": "严禁焚烧秸秆", **payload}
    return client.post("/api/v1/notices", body, content_type="application/json", **_auth(user))


def test_send_list_and_reach(client, scene):
    response = _send(client, scene["admin"], everyone=True, topic="safety")
    assert response.status_code == 201, response.content
    notice_id = response.json()["id"]
    listed = client.get("/api/v1/notices?limit=5", **_auth(scene["reader"])).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == notice_id
    client.get(f"/api/v1/notices/{notice_id}", **_auth(scene["reader"]))
    reach = client.get(f"/api/v1/notices/{notice_id}/reach", **_auth(scene["admin"])).json()
    assert (reach["recipients"], reach["delivered"]) == (5, 5)
    assert set(reach["by_village"][0]) == {"code", "name", "recipients", "delivered", "opened"}
    assert (
        client.get(f"/api/v1/notices/{notice_id}/reach", **_auth(scene["reader"])).status_code
        == 403
    )


def test_bad_notices_are_refused_and_nothing_stored(client, scene):
    assert _send(client, scene["admin"]).status_code == 422  # nobody chosen
    outside = _send(
        client, scene["secretary_a"], area_code=testing.VILLAGE_A, villages=[testing.VILLAGE_B]
    )
    assert outside.status_code == 422
    assert (
        _send(client, scene["reader"], area_code=testing.VILLAGE_A, everyone=True).status_code
        == 403
    )
    assert _send(client, scene["admin"], grids=[999999]).status_code == 422
    assert _send(client, scene["secretary_a"], area_code=testing.VILLAGE_B).status_code == 404
    assert _send(client, scene["secretary_a"], area_code="340827200999").status_code == 404
    queue = f"/api/v1/feedback?village={testing.VILLAGE_B}"
    assert client.get(queue, **_auth(scene["secretary_a"])).status_code == 404
    assert not Notice.objects.exists()


def test_feedback_round_trip_and_scope(client, scene):
    notice_id = _send(client, scene["admin"], everyone=True, topic="safety").json()["id"]
    created = client.post(
        "/api/v1/feedback",
        {"text": "秸秆能卖给谁？", "notice_id": notice_id},
        content_type="application/json",
        **_auth(scene["reader"]),
    )
    assert created.status_code == 201, created.content
    feedback_id = created.json()["id"]
    reply = client.post(
        f"/api/v1/feedback/{feedback_id}/replies",
        {"text": "乡里联系了收购点。"},
        content_type="application/json",
        **_auth(scene["admin"]),
    )
    assert reply.status_code == 201
    thread = client.get(f"/api/v1/feedback/{feedback_id}", **_auth(scene["reader"])).json()
    assert [r["text"] for r in thread["replies"]] == ["乡里联系了收购点。"]
    assert client.get("/api/v1/feedback", **_auth(scene["admin"])).json()["count"] == 1
    by_topic = f"/api/v1/feedback?topic=safety&village={testing.VILLAGE_A}&state=answered"
    assert client.get(by_topic, **_auth(scene["admin"])).json()["count"] == 1
    assert client.get("/api/v1/feedback?topic=grid", **_auth(scene["admin"])).json()["count"] == 0
    assert (
        client.get(f"/api/v1/feedback/{feedback_id}", **_auth(scene["secretary_b"])).status_code
        == 404
    )
    made = client.post(
        f"/api/v1/feedback/{feedback_id}/to-request",
        {"grid_id": scene["grid"].pk},
        content_type="application/json",
        **_auth(scene["admin"]),
    )
    assert made.status_code == 200 and made.json()["request_ticket"]
    again = client.post(
        f"/api/v1/feedback/{feedback_id}/to-request",
        {"grid_id": scene["grid"].pk},
        content_type="application/json",
        **_auth(scene["admin"]),
    )
    assert again.status_code == 400 and "already" in again.json()["message"]


def test_feedback_on_an_unseen_notice_is_404(client, scene):
    village_b = testing.VILLAGE_B
    notice_id = _send(client, scene["admin"], villages=[village_b]).json()["id"]
    response = client.post(
        "/api/v1/feedback",
        {"text": "x", "notice_id": notice_id},
        content_type="application/json",
        **_auth(scene["reader"]),
    )
    assert response.status_code == 404 and not Feedback.objects.exists()
