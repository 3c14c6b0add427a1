"""Councils: rosters with roles, the coverage of hamlets, by page and API, scoped."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from wangge import testing
from wangge.grids.councils import council_coverage, council_create, seat_add
from wangge.grids.models import CouncilSeat
from wangge.grids.services import person_create
from wangge.party.models import Organisation, OrgKind
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


@pytest.fixture
def council(secretary_a):
    return council_create(actor=secretary_a, hamlet=Region.objects.get(code=HAMLET_A))


@pytest.fixture
def elder(secretary_a):
    return person_create(actor=secretary_a, name="汪老", area=Region.objects.get(code=HAMLET_A))


def test_coverage_counts_hamlets_with_and_without_and_opens_lists(
    client, secretary_a, township_admin, council, elder
):
    seat_add(actor=secretary_a, council=council, role="会长", person=elder)
    rows = council_coverage(township_admin)
    by_code = {r.village.code: r for r in rows}
    assert (by_code[testing.VILLAGE_A].with_council, by_code[testing.VILLAGE_A].with_roster) == (
        1,
        1,
    )
    assert by_code[testing.VILLAGE_B].without_council == 1
    client.force_login(township_admin)
    page = client.get("/grids/councils/").content.decode()
    assert "which=without" in page
    without = client.get(f"/grids/councils/hamlets/?village={testing.VILLAGE_B}&which=without")
    assert "郭屋" in without.content.decode()
    with_ = client.get(
        f"/grids/councils/hamlets/?village={testing.VILLAGE_A}&which=with"
    ).content.decode()
    assert "汪屋环境理事会" in with_
    client.force_login(secretary_a)
    assert "郭屋" not in client.get("/grids/councils/hamlets/?which=without").content.decode()
    assert (
        client.get(
            f"/grids/councils/hamlets/?village={testing.VILLAGE_B}&which=without"
        ).status_code
        == 404
    )


def test_found_a_council_and_seat_people_on_the_page(client, secretary_b):
    client.force_login(secretary_b)
    made = client.post("/grids/councils/new/", {"hamlet": HAMLET_B})
    assert made.status_code == 302
    council = Organisation.objects.get(kind=OrgKind.COUNCIL, area_code=HAMLET_B)
    assert council.name == "郭屋环境理事会"
    again = client.post("/grids/councils/new/", {"hamlet": HAMLET_B})
    assert again.status_code == 302
    assert Organisation.objects.filter(kind=OrgKind.COUNCIL).count() == 1
    person = person_create(actor=secretary_b, name="郭理事", area=Region.objects.get(code=HAMLET_B))
    url = f"/grids/councils/{council.pk}/"
    assert client.post(url, {"person": person.pk, "role": "理事"}).status_code == 302
    page = client.get(url).content.decode()
    assert "郭理事" in page and "理事" in page
    twice = client.post(url, {"person": person.pk, "role": "会长"})
    assert twice.status_code == 400 and CouncilSeat.objects.count() == 1
    no_role = client.post(url, {"member": "", "person": person.pk, "role": ""})
    assert no_role.status_code == 400
    seat = CouncilSeat.objects.get()
    assert client.post(f"{url}remove/", {"seat": seat.pk}).status_code == 302
    assert not CouncilSeat.objects.exists()


def test_other_village_and_members_are_kept_out(client, council, elder, secretary_b, member_a):
    with pytest.raises(PermissionDenied):
        seat_add(actor=secretary_b, council=council, role="理事", person=elder)
    other = person_create(actor=secretary_b, name="郭某", area=Region.objects.get(code=HAMLET_B))
    with pytest.raises(ValidationError):
        seat_add(
            actor=testing.make_user("t", "township_admin", testing.TOWNSHIP),
            council=council,
            role="理事",
            person=other,
        )
    client.force_login(secretary_b)
    assert client.get(f"/grids/councils/{council.pk}/").status_code == 404
    client.force_login(member_a)
    assert client.get(f"/grids/councils/{council.pk}/").status_code == 404


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_api_seats_and_stats(client, secretary_a, secretary_b, council, elder):
    auth = _auth(secretary_a)
    url = f"/api/v1/councils/{council.pk}/seats"
    made = client.post(
        url, {"person_id": elder.pk, "role": "会长"}, content_type="application/json", **auth
    )
    assert made.status_code == 201, made.content
    assert made.json()["name"] == "汪老"
    twice = client.post(
        url, {"person_id": elder.pk, "role": "理事"}, content_type="application/json", **auth
    )
    assert twice.status_code == 422
    assert client.get("/api/v1/councils", **auth).json()["items"][0]["seat_count"] == 1
    assert client.get(url, **_auth(secretary_b)).status_code == 404
    assert client.get("/api/v1/councils", **_auth(secretary_b)).json()["count"] == 0
    out = __import__("io").StringIO()
    call_command("stats", "--json", stdout=out)
    assert '"councils_with_roster": 1' in out.getvalue()
    seat = made.json()["id"]
    assert client.delete(f"{url}/{seat}", **_auth(secretary_b)).status_code == 404
    assert client.delete(f"{url}/{seat}", **auth).status_code == 204
    assert client.delete(f"{url}/{seat}", **auth).status_code == 422
