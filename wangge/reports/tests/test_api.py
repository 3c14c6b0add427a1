"""/api/v1/reports: the bulletin's figures for an area in scope and a period that has begun,
recorded as generated; the list of generated bulletins in the caller's scope."""

from wangge import testing
from wangge.reports.models import GeneratedReport
from wangge.reports.tests.conftest import this_quarter


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_bulletin_figures_and_the_list_of_generated_reports(client, scene):
    admin = _auth(scene["admin"])
    query = {"area_code": testing.TOWNSHIP, "period": this_quarter()}
    answer = client.get("/api/v1/reports/bulletin", query, **admin)
    assert answer.status_code == 200
    body = answer.json()
    assert body["area_name"] == "凉泉乡" and body["period"] == this_quarter()
    lines = {line["label"]: line["value"] for s in body["sections"] for line in s["lines"]}
    assert lines["Satisfaction rate"] == "100.0%"
    assert GeneratedReport.objects.get().format == "json"
    listed = client.get("/api/v1/reports", **admin).json()
    assert listed["count"] == 1 and listed["items"][0]["generated_by"] == "township-admin"
    # The township's bulletin is not a village secretary's to list.
    assert client.get("/api/v1/reports", **_auth(scene["a"])).json()["count"] == 0


def test_bad_input_is_a_plain_error_and_stores_nothing(client, scene):
    b = _auth(scene["b"])
    outside = {"area_code": testing.VILLAGE_A, "period": "2021-Q4"}
    assert client.get("/api/v1/reports/bulletin", outside, **b).status_code == 404
    future = {"area_code": testing.VILLAGE_B, "period": "2099-Q1"}
    answer = client.get("/api/v1/reports/bulletin", future, **b)
    assert answer.status_code in (400, 422) and "2099-Q1" in answer.content.decode()
    assert not GeneratedReport.objects.exists()
