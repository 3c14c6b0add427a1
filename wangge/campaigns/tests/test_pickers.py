"""Staff forms choose members and people by the assistance forms' name search: the lists hold
the first few, a search finds anyone in scope, each entry shows branch, grid and phone tail."""

import datetime

import pytest
from django.utils import timezone

from wangge import testing
from wangge.campaigns.engine import emergency_declare, team_create
from wangge.campaigns.models import Accountability, RosterEntry, TeamMember, Turnout
from wangge.campaigns.pickers import FIRST
from wangge.campaigns.services import campaign_create
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed, person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"


@pytest.fixture
def many(regions, township_admin, secretary_a):
    today = timezone.localdate()
    flood = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="防汛",
        kind="flood",
        starts_on=today - datetime.timedelta(days=5),
        ends_on=today + datetime.timedelta(days=5),
    )
    emergency_declare(
        actor=township_admin,
        campaign=flood,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today,
        reason="超警戒",
    )
    members = [
        testing.make_member(area_code=HAMLET_A, seq=i, name=f"甲{i:02d}") for i in range(FIRST)
    ]
    last = testing.make_member(area_code=HAMLET_A, seq=99, name="郑末尾")
    hamlet = Region.objects.get(code=HAMLET_A)
    person = person_create(actor=secretary_a, name="钱志愿", area=hamlet, phone="13612345678")
    team = team_create(
        actor=secretary_a,
        campaign=flood,
        name="湖滨突击队",
        kind="commando",
        home=Region.objects.get(code=testing.VILLAGE_A),
        serves=Region.objects.get(code=testing.VILLAGE_A),
    )
    return {
        "flood": flood,
        "members": members,
        "last": last,
        "person": person,
        "team": team,
        "today": today,
    }


def test_turnout_form_lists_the_first_few_and_finds_anyone(client, many, secretary_a):
    client.force_login(secretary_a)
    url = f"/campaigns/{many['flood'].pk}/turnouts/new/"
    page = client.get(url).content.decode()
    assert 'id="member_q"' in page
    # The lists hold people who are not members too, and the search says so.
    assert ">Find a member or person by name</label>" in page
    assert "郑末尾" not in page
    found = client.get(url, {"member_q": "郑末"}).content.decode()
    assert f'value="{many["last"].pk}"' in found
    assert "郑末尾 · " in found and "支部" in found and "139****0099" in found
    assert "甲00" not in found
    person = client.get(url, {"member_q": "钱"}).content.decode()
    assert "钱志愿 · " in person and "136****5678" in person
    # Any member in scope may be chosen, listed or not.
    response = client.post(
        url, {"member": many["last"].pk, "day": many["today"].isoformat(), "hours": "6"}
    )
    assert response.status_code == 302
    assert Turnout.objects.filter(member=many["last"]).exists()


def test_dashboard_team_form_uses_the_search(client, many, secretary_a):
    client.force_login(secretary_a)
    url = f"/campaigns/{many['flood'].pk}/"
    page = client.get(url, {"member_q": "郑末"}).content.decode()
    assert 'id="people-search"' in page and f'value="{many["last"].pk}"' in page
    response = client.post(
        f"/campaigns/{many['flood'].pk}/team-members/",
        {"team": many["team"].pk, "member": many["last"].pk},
    )
    assert response.status_code == 302
    assert TeamMember.objects.filter(member=many["last"]).exists()


def test_roster_form_uses_the_search(client, many, township_admin, secretary_a, secretary_b):
    straw = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="秸秆禁烧",
        kind="straw_burning",
        starts_on=many["today"],
        ends_on=many["today"],
    )
    client.force_login(secretary_a)
    page = client.get(f"/campaigns/{straw.pk}/", {"member_q": "钱"}).content.decode()
    assert 'id="people-search"' in page and "钱志愿 · " in page
    assert ">Find a member or person by name</label>" in page
    client.post(f"/campaigns/{straw.pk}/roster/", {"person": many["person"].pk, "duty": "巡查"})
    assert RosterEntry.objects.filter(person=many["person"]).exists()
    client.force_login(secretary_b)
    page = client.get(f"/campaigns/{straw.pk}/", {"member_q": "钱"}).content.decode()
    assert "钱志愿" not in page


def test_accountability_form_chooses_a_member_by_search(client, many, township_admin, secretary_a):
    straw = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="秸秆禁烧",
        kind="straw_burning",
        starts_on=many["today"],
        ends_on=many["today"],
    )
    layer = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    grid = grid_create(
        actor=None, layer=layer, name="汪屋网格", area=Region.objects.get(code=HAMLET_A), level=4
    )
    GridMember.objects.create(grid=grid, member=many["last"])
    client.force_login(secretary_a)
    url = f"/campaigns/{straw.pk}/accountability/new/"
    page = client.get(url, {"member_q": "郑末"}).content.decode()
    assert 'id="people-search"' in page
    assert f'value="{many["last"].pk}"' in page and "郑末尾 · " in page and "汪屋网格" in page
    response = client.post(
        url,
        {"area": testing.VILLAGE_A, "member": many["last"].pk, "failure": "巡查缺位"},
    )
    assert response.status_code == 302
    assert Accountability.objects.filter(member=many["last"]).exists()
