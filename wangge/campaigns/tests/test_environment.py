"""Environment inspections: scores per item, a hamlet's history, the comparison between
villages (三看三比) that a township may switch off; scoped, nothing partial on bad input."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wangge import testing
from wangge.campaigns.environment import (
    comparison,
    comparison_switch,
    inspection_record,
    item_add,
)
from wangge.campaigns.models import Inspection, InspectionScore
from wangge.grids.councils import council_create
from wangge.party.models import Position
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


@pytest.fixture
def setup(township_admin, secretary_a, secretary_b):
    items = [
        item_add(actor=township_admin, township_code=testing.TOWNSHIP, name=n, max_points=25)
        for n in ("庭院整洁", "垃圾分类")
    ]
    council_a = council_create(actor=secretary_a, hamlet=Region.objects.get(code=HAMLET_A))
    council_b = council_create(actor=secretary_b, hamlet=Region.objects.get(code=HAMLET_B))
    return {"items": items, "a": council_a, "b": council_b}


def _post(items, **extra):
    data = {f"item_{i.pk}": 20 for i in items}
    return {**data, **extra}


def test_secretary_records_an_inspection_and_sees_the_history(client, secretary_a, setup):
    client.force_login(secretary_a)
    home = client.get("/campaigns/environment/").content.decode()
    assert "/campaigns/environment/new/" in home
    form = client.get("/campaigns/environment/new/").content.decode()
    assert "庭院整洁" in form and "汪屋环境理事会" in form and "郭屋" not in form
    day = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    data = _post(setup["items"], hamlet=HAMLET_A, council=setup["a"].pk, day=day, note="门前干净")
    done = client.post("/campaigns/environment/new/", data)
    assert done.status_code == 302, done.content.decode()[:2000]
    inspection = Inspection.objects.get()
    assert (inspection.total, inspection.max_total) == (40, 50)
    history = client.get(f"/campaigns/environment/hamlet/{HAMLET_A}/").content.decode()
    assert "门前干净" in history and "40" in history


def test_bad_scores_and_future_days_store_nothing(client, secretary_a, setup):
    client.force_login(secretary_a)
    items = setup["items"]
    today = timezone.localdate()
    too_many = _post(items, hamlet=HAMLET_A, council=setup["a"].pk, day=today.isoformat())
    too_many[f"item_{items[0].pk}"] = 26
    page = client.post("/campaigns/environment/new/", too_many)
    assert page.status_code == 400 and "25" in page.content.decode()
    future = _post(
        items,
        hamlet=HAMLET_A,
        council=setup["a"].pk,
        day=(today + datetime.timedelta(days=1)).isoformat(),
    )
    assert client.post("/campaigns/environment/new/", future).status_code == 400
    missing = _post(items, hamlet=HAMLET_A, council=setup["a"].pk, day=today.isoformat())
    del missing[f"item_{items[1].pk}"]
    assert client.post("/campaigns/environment/new/", missing).status_code == 400
    wrong_council = _post(items, hamlet=HAMLET_A, council=setup["b"].pk, day=today.isoformat())
    assert client.post("/campaigns/environment/new/", wrong_council).status_code == 400
    assert not Inspection.objects.exists() and not InspectionScore.objects.exists()


def test_scope(client, secretary_a, secretary_b, setup):
    with pytest.raises(PermissionDenied):
        inspection_record(
            actor=secretary_b,
            hamlet=Region.objects.get(code=HAMLET_A),
            council=setup["a"],
            day=timezone.localdate(),
            scores={i.pk: 1 for i in setup["items"]},
        )
    inspection_record(
        actor=secretary_a,
        hamlet=Region.objects.get(code=HAMLET_A),
        council=setup["a"],
        day=timezone.localdate(),
        scores={i.pk: 1 for i in setup["items"]},
    )
    client.force_login(secretary_b)
    assert client.get(f"/campaigns/environment/hamlet/{HAMLET_A}/").status_code == 404
    assert "汪屋" not in client.get("/campaigns/environment/").content.decode()
    with pytest.raises(PermissionDenied):
        item_add(actor=secretary_b, township_code=testing.TOWNSHIP, name="x", max_points=5)


def test_comparison_and_the_township_switch(client, township_admin, secretary_a, setup):
    # The secretary lives in the hamlet inspected first.
    secretary = testing.make_member(area_code=HAMLET_A + "001", seq=5, name="汪书记")
    Position.objects.create(member=secretary, organisation=secretary.organisation, title="书记")
    day = timezone.localdate()
    inspection_record(
        actor=secretary_a,
        hamlet=Region.objects.get(code=HAMLET_A),
        council=setup["a"],
        day=day,
        scores={i.pk: 25 for i in setup["items"]},
    )
    rows = {r.village.code: r for r in comparison(township_admin, year=day.year)}
    assert rows[testing.VILLAGE_A].secretary_first is True
    assert rows[testing.VILLAGE_A].average == 100
    assert rows[testing.VILLAGE_B].inspected == 0
    client.force_login(township_admin)
    page = client.get("/campaigns/environment/compare/").content.decode()
    assert "汪屋" not in page or "湖滨" in page
    assert 'id="nav-compare"' in page
    assert client.post("/campaigns/environment/setting/", {"on": "0"}).status_code == 302
    assert client.get("/campaigns/environment/compare/").status_code == 404
    assert 'id="nav-compare"' not in client.get("/campaigns/environment/").content.decode()
    client.force_login(secretary_a)
    assert client.post("/campaigns/environment/setting/", {"on": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        comparison_switch(actor=secretary_a, township_code=testing.TOWNSHIP, on=True)


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_api_records_and_lists_inspections_scoped(client, secretary_a, secretary_b, setup):
    items = setup["items"]
    body = {
        "area_code": HAMLET_A,
        "council_id": setup["a"].pk,
        "day": timezone.localdate().isoformat(),
        "scores": [{"item_id": i.pk, "points": 10} for i in items],
    }
    made = client.post(
        "/api/v1/inspections", body, content_type="application/json", **_auth(secretary_a)
    )
    assert made.status_code == 201, made.content
    assert made.json()["total"] == 20
    over = {**body, "scores": [{"item_id": i.pk, "points": 30} for i in items]}
    bad = client.post(
        "/api/v1/inspections", over, content_type="application/json", **_auth(secretary_a)
    )
    assert bad.status_code == 422 and Inspection.objects.count() == 1
    other = client.post(
        "/api/v1/inspections", body, content_type="application/json", **_auth(secretary_b)
    )
    assert other.status_code == 422 and Inspection.objects.count() == 1
    assert client.get("/api/v1/inspections", **_auth(secretary_a)).json()["count"] == 1
    assert client.get("/api/v1/inspections", **_auth(secretary_b)).json()["count"] == 0
