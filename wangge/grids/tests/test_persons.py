"""People who serve without (or besides) Party membership: scoped pages and API."""

import pytest
from django.core.exceptions import PermissionDenied

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.grids.models import Person
from wangge.grids.services import person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"


@pytest.fixture
def person_a(secretary_a):
    return person_create(
        actor=secretary_a,
        name="汪护林",
        area=Region.objects.get(code=HAMLET_A),
        phone="13912345678",
    )


def test_secretary_adds_a_person_with_phone_masked(client, secretary_a):
    client.force_login(secretary_a)
    page = client.post(
        "/grids/persons/new/", {"name": "汪护林", "phone": "13912345678", "area": HAMLET_A}
    )
    assert page.status_code == 302
    person = Person.objects.get()
    assert person.area_code == HAMLET_A and person.phone == "13912345678"
    listing = client.get("/grids/persons/").content.decode()
    assert "汪护林" in listing and "139****5678" in listing and "13912345678" not in listing
    assert AuditEvent.objects.filter(action="grids.person_create").count() == 1


def test_bad_person_stores_nothing_and_says_what_to_fix(client, secretary_a):
    client.force_login(secretary_a)
    page = client.post("/grids/persons/new/", {"name": "", "phone": "12", "area": HAMLET_A})
    assert page.status_code == 400
    assert "name" in page.content.decode().lower() or "姓名" in page.content.decode()
    assert not Person.objects.exists()


def test_other_village_sees_nothing_and_member_may_not_add(client, person_a, secretary_b, member_a):
    client.force_login(secretary_b)
    assert "汪护林" not in client.get("/grids/persons/").content.decode()
    assert client.get(f"/grids/persons/{person_a.pk}/edit/").status_code == 404
    client.force_login(member_a)
    assert client.get("/grids/persons/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        person_create(actor=member_a, name="某人", area=Region.objects.get(code=HAMLET_A))


def test_edit_keeps_the_phone_it_never_shows(client, secretary_a, person_a):
    client.force_login(secretary_a)
    page = client.get(f"/grids/persons/{person_a.pk}/edit/").content.decode()
    assert "13912345678" not in page and "139****5678" in page
    data = {"name": "汪护林", "phone": "", "area": HAMLET_A, "version": person_a.version}
    assert client.post(f"/grids/persons/{person_a.pk}/edit/", data).status_code == 302
    person_a.refresh_from_db()
    assert person_a.phone == "13912345678"
    data = {**data, "version": person_a.version, "clear_phone": "on"}
    assert client.post(f"/grids/persons/{person_a.pk}/edit/", data).status_code == 302
    person_a.refresh_from_db()
    assert person_a.phone == "" and person_a.phone_masked == ""


def test_edit_refuses_a_stale_version(client, secretary_a, person_a):
    client.force_login(secretary_a)
    data = {"name": "汪护林二", "phone": "", "area": HAMLET_A, "version": person_a.version}
    assert client.post(f"/grids/persons/{person_a.pk}/edit/", data).status_code == 302
    stale = client.post(f"/grids/persons/{person_a.pk}/edit/", {**data, "name": "旧"})
    assert stale.status_code == 400
    person_a.refresh_from_db()
    assert person_a.name == "汪护林二" and person_a.version == 2


def test_api_lists_and_adds_in_scope(client, secretary_a, secretary_b, person_a):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(secretary_a)}"}
    body = client.get("/api/v1/persons", **headers).json()
    assert body["count"] == 1 and body["items"][0]["phone_masked"] == "139****5678"
    made = client.post(
        "/api/v1/persons",
        {"name": "李巡山", "area_code": HAMLET_A},
        content_type="application/json",
        **headers,
    )
    assert made.status_code == 201
    other = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(secretary_b)}"}
    assert client.get("/api/v1/persons", **other).json()["count"] == 0
    assert client.get(f"/api/v1/persons/{person_a.pk}", **other).status_code == 404
