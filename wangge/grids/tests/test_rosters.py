"""A grid's roster: members and people who serve, with duties, by page and API, scoped."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.grids.models import GridMember, GridPerson
from wangge.grids.rosters import roster, roster_add
from wangge.grids.services import grid_create, grid_layers_seed, person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"


@pytest.fixture
def grids(township_admin):
    layers = {layer.slug: layer for layer in grid_layers_seed()}
    service = layers["service"]
    village_a = Region.objects.get(code=testing.VILLAGE_A)
    l1 = grid_create(actor=township_admin, layer=service, name="湖滨一级", area=village_a, level=1)
    l3 = grid_create(
        actor=township_admin,
        layer=service,
        name="汪屋片三级",
        area=Region.objects.get(code=HAMLET_A),
        level=3,
    )
    return {"l1": l1, "l3": l3}


@pytest.fixture
def zu_zhang(secretary_a):
    return person_create(actor=secretary_a, name="汪组长", area=Region.objects.get(code=HAMLET_A))


def test_secretary_adds_the_villager_group_leader_on_the_page(client, secretary_a, grids, zu_zhang):
    l3 = grids["l3"]
    client.force_login(secretary_a)
    page = client.get(f"/grids/{l3.pk}/").content.decode()
    assert f"/grids/{l3.pk}/roster/add/" in page
    form = client.get(f"/grids/{l3.pk}/roster/add/").content.decode()
    assert "村民组长" in form and "汪组长" in form
    done = client.post(f"/grids/{l3.pk}/roster/add/", {"person": zu_zhang.pk, "duty": "村民组长"})
    assert done.status_code == 302
    page = client.get(f"/grids/{l3.pk}/").content.decode()
    assert "汪组长" in page and "村民组长" in page
    assert AuditEvent.objects.filter(action="grid.roster_add").count() == 1
    # Twice: a plain error, nothing more stored.
    again = client.post(f"/grids/{l3.pk}/roster/add/", {"person": zu_zhang.pk, "duty": "村民组长"})
    assert again.status_code == 400
    assert "already on this grid" in again.content.decode() or "已在" in again.content.decode()
    assert GridPerson.objects.count() == 1
    # Take off.
    gone = client.post(f"/grids/{l3.pk}/roster/remove/", {"kind": "person", "id": zu_zhang.pk})
    assert gone.status_code == 302 and not GridPerson.objects.exists()


def test_township_marks_its_leader_on_level_one_only(admin_client, township_admin, grids):
    member = testing.make_member(area_code=testing.VILLAGE_A, seq=1, name="乡领导")
    l1, l3 = grids["l1"], grids["l3"]
    done = admin_client.post(
        f"/grids/{l1.pk}/roster/add/",
        {"member": member.pk, "duty": "包村领导", "township_leader": "on"},
    )
    assert done.status_code == 302
    assert GridMember.objects.get(grid=l1).township_leader
    page = admin_client.get(f"/grids/{l1.pk}/").content.decode()
    assert "乡领导" in page and ("Township leadership" in page or "班子成员" in page)
    local = testing.make_member(area_code=HAMLET_A + "001", seq=2, name="汪党员")
    with pytest.raises(ValidationError):
        roster_add(actor=township_admin, grid=l3, member=local, township_leader=True)
    assert not GridMember.objects.filter(grid=l3).exists()


def test_secretary_may_not_touch_the_township_grid_nor_another_village(
    client, secretary_a, secretary_b, grids, zu_zhang
):
    client.force_login(secretary_a)
    assert client.get(f"/grids/{grids['l1'].pk}/roster/add/").status_code == 403
    assert (
        f"/grids/{grids['l1'].pk}/roster/add/"
        not in client.get(f"/grids/{grids['l1'].pk}/").content.decode()
    )
    client.force_login(secretary_b)
    assert client.get(f"/grids/{grids['l3'].pk}/roster/add/").status_code == 404
    with pytest.raises(PermissionDenied):
        roster_add(actor=secretary_b, grid=grids["l3"], person=zu_zhang)


def test_person_from_another_village_is_refused(secretary_b, township_admin, grids):
    other = person_create(
        actor=secretary_b, name="郭某", area=Region.objects.get(code=testing.VILLAGE_B + "001")
    )
    with pytest.raises(ValidationError):
        roster_add(actor=township_admin, grid=grids["l3"], person=other)
    assert roster(grids["l3"]) == []


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_api_roster_get_post_delete_scoped(client, secretary_a, secretary_b, grids, zu_zhang):
    l3 = grids["l3"]
    auth = _auth(secretary_a)
    url = f"/api/v1/grids/{l3.pk}/roster"
    made = client.post(
        url, {"person_id": zu_zhang.pk, "duty": "村民组长"}, content_type="application/json", **auth
    )
    assert made.status_code == 201, made.content
    assert made.json()["kind"] == "person" and made.json()["duty"] == "村民组长"
    twice = client.post(url, {"person_id": zu_zhang.pk}, content_type="application/json", **auth)
    assert twice.status_code == 422
    listing = client.get(url, **auth).json()
    assert [r["name"] for r in listing["items"]] == ["汪组长"]
    assert client.get(url, **_auth(secretary_b)).status_code == 404
    assert client.delete(f"{url}?person_id={zu_zhang.pk}", **_auth(secretary_b)).status_code == 404
    assert client.delete(f"{url}?person_id={zu_zhang.pk}", **auth).status_code == 204
    assert client.get(url, **auth).json() == {"items": [], "count": 0}
    assert client.delete(f"{url}?person_id={zu_zhang.pk}", **auth).status_code == 422
