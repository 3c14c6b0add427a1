import pytest
from django.utils import timezone

from wangge import testing
from wangge.flags.models import Flag
from wangge.flags.services import rules_seed
from wangge.flags.tests.conftest import MEDICAL_HEADERS, head_id, upload


def bearer(user) -> dict:
    raw = testing.api_token(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def flagged(officer, township_admin, homes, sources):
    rules_seed(township_code=testing.TOWNSHIP)
    batch = upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [
            ["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"],
            ["郭一", head_id(4), "住院", "2021-03-05", "1", "60000"],
        ],
    )
    return batch


def test_flags_are_listed_in_scope_with_evidence(client, secretary_a, flagged):
    auth = bearer(secretary_a)
    listing = client.get("/api/v1/flags", **auth).json()
    assert listing["count"] == 1
    flag = listing["items"][0]
    assert flag["rule"] == "severe_illness" and flag["household_head"] == "汪一"
    detail = client.get(f"/api/v1/flags/{flag['id']}", **auth).json()
    assert detail["evidence_rows"][0]["amount"] == "60000.00"
    assert "*" in detail["evidence_rows"][0]["person_id_masked"]
    other = Flag.objects.get(household__head_name="郭一")
    assert client.get(f"/api/v1/flags/{other.pk}", **auth).status_code == 404
    assert (
        client.post(
            f"/api/v1/flags/{other.pk}/dismiss",
            {"reason": "x"},
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )


def test_accept_then_second_decision_is_409(client, secretary_a, township_admin, flagged):
    flag = Flag.objects.get(household__head_name="汪一")
    response = client.post(
        f"/api/v1/flags/{flag.pk}/accept",
        {"needs": "医疗"},
        content_type="application/json",
        **bearer(secretary_a),
    )
    assert response.status_code == 201
    plan_id = response.json()["id"]
    again = client.post(
        f"/api/v1/flags/{flag.pk}/dismiss",
        {"reason": "重复"},
        content_type="application/json",
        **bearer(township_admin),
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    auth = bearer(secretary_a)
    step = client.post(
        f"/api/v1/assistance/plans/{plan_id}/steps",
        {"title": "办理医疗救助", "measure": "medical", "due_date": str(timezone.localdate())},
        content_type="application/json",
        **auth,
    )
    assert step.status_code == 201
    done = client.post(
        f"/api/v1/assistance/steps/{step.json()['id']}/status",
        {"status": "done"},
        content_type="application/json",
        **auth,
    )
    assert done.json()["status"] == "done"
    patched = client.patch(
        f"/api/v1/assistance/plans/{plan_id}",
        {"version": 1, "measures": ["medical"]},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/assistance/plans/{plan_id}",
        {"version": 1, "needs": "x"},
        content_type="application/json",
        **auth,
    )
    assert stale.status_code == 409
    assert client.get("/api/v1/assistance/plans", **auth).json()["count"] == 1
    assert (
        client.get(
            f"/api/v1/assistance/plans/{plan_id}",
            **bearer(
                testing.make_user("sec-b2", testing.Role.VILLAGE_SECRETARY, testing.VILLAGE_B)
            ),
        ).status_code
        == 404
    )


def test_member_reads_but_cannot_decide(client, member_a, flagged):
    flag = Flag.objects.get(household__head_name="汪一")
    auth = bearer(member_a)
    assert client.get(f"/api/v1/flags/{flag.pk}", **auth).status_code == 200
    response = client.post(
        f"/api/v1/flags/{flag.pk}/dismiss", {"reason": "x"}, content_type="application/json", **auth
    )
    assert response.status_code == 403


def test_batches_and_figures(client, officer, officer_b, flagged):
    listing = client.get("/api/v1/flags/batches", **bearer(officer)).json()
    assert listing["count"] == 1 and listing["items"][0]["matched_count"] == 2
    assert client.get("/api/v1/flags/batches", **bearer(officer_b)).json()["count"] == 0
    figures = client.get("/api/v1/flags/figures?year=2021", **bearer(officer)).json()
    assert figures["hardship_families"] == 2
