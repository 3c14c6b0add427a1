"""Concentrated assistance drives: a task per household with an open plan (or risk flag),
given to the paired member, who marks it done; figures per village; scoped."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge import testing
from wangge.assistance.models import Plan
from wangge.campaigns.drive import drive_create, task_done
from wangge.campaigns.models import Campaign, DriveTask
from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
from wangge.pairing.models import Pairing
from wangge.regions.models import Region

GROUP_A = testing.VILLAGE_A + "001001"
GROUP_B = testing.VILLAGE_B + "001001"
DAY = datetime.date(2021, 3, 1)


def _plan(household):
    return Plan.objects.create(
        household=household, area_code=household.area_code, township_code=household.area_code[:9]
    )


@pytest.fixture
def world(regions, member_a):
    member = testing.make_member(area_code=GROUP_A, seq=1, name="汪党员")
    member_a.member_id = member.pk
    member_a.save()
    needy = testing.make_household(area_code=GROUP_A, seq=2, head_name="汪困难")
    calm = testing.make_household(area_code=GROUP_A, seq=3, head_name="汪平安")
    other = testing.make_household(area_code=GROUP_B, seq=4, head_name="郭困难")
    _plan(needy)
    _plan(other)
    pairing = Pairing(member=member, household=needy, started_on=DAY)
    pairing.area_id = pairing.area_code = needy.area_code
    pairing.township_code = needy.area_code[:9]
    pairing.save()
    return {"member": member, "needy": needy, "calm": calm, "other": other}


def test_drive_makes_tasks_and_the_member_marks_one_done(client, secretary_a, member_a, world):
    client.force_login(secretary_a)
    made = client.post(
        "/campaigns/drives/new/",
        {
            "name": "集中帮扶",
            "area": testing.VILLAGE_A,
            "starts_on": "2021-03-01",
            "ends_on": "2021-03-31",
        },
    )
    assert made.status_code == 302, made.content.decode()[:1500]
    drive = Campaign.objects.get(kind="assistance")
    task = DriveTask.objects.get(campaign=drive)
    assert task.household == world["needy"] and task.member == world["member"]
    detail = client.get(f"/campaigns/drives/{drive.pk}/").content.decode()
    assert "湖滨村委会" in detail and "汪困难" in detail and "郭困难" not in detail
    client.force_login(member_a)
    mine = client.get("/campaigns/drives/mine/").content.decode()
    assert "汪困难" in mine and 'id="nav-drive-tasks"' in mine
    empty = client.post(f"/campaigns/drives/tasks/{task.pk}/done/", {"note": " "})
    assert empty.status_code == 302
    task.refresh_from_db()
    assert task.done_at is None
    client.post(f"/campaigns/drives/tasks/{task.pk}/done/", {"note": "送去米油，联系了医保"})
    task.refresh_from_db()
    assert task.done_at is not None and task.done_note == "送去米油，联系了医保"
    with pytest.raises(ValidationError):
        task_done(actor=member_a, task=task, note="again")


def test_scope_and_bad_input(client, secretary_a, secretary_b, world):
    client.force_login(secretary_a)
    outside = client.post(
        "/campaigns/drives/new/",
        {
            "name": "越界",
            "area": testing.VILLAGE_B,
            "starts_on": "2021-03-01",
            "ends_on": "2021-03-31",
        },
    )
    assert outside.status_code == 404
    backwards = client.post(
        "/campaigns/drives/new/",
        {
            "name": "倒序",
            "area": testing.VILLAGE_A,
            "starts_on": "2021-03-31",
            "ends_on": "2021-03-01",
        },
    )
    assert backwards.status_code == 400
    assert not Campaign.objects.exists() and not DriveTask.objects.exists()
    with pytest.raises(PermissionDenied):
        drive_create(
            actor=secretary_b,
            name="x",
            area=Region.objects.get(code=testing.VILLAGE_A),
            starts_on=DAY,
            ends_on=DAY,
        )
    drive = drive_create(
        actor=secretary_a,
        name="集中帮扶",
        area=Region.objects.get(code=testing.VILLAGE_A),
        starts_on=DAY,
        ends_on=DAY,
    )
    client.force_login(secretary_b)
    assert client.get(f"/campaigns/drives/{drive.pk}/").status_code == 404
    task = DriveTask.objects.get()
    assert client.post(f"/campaigns/drives/tasks/{task.pk}/done/", {"note": "x"}).status_code == 404


def test_village_sees_its_part_of_a_township_drive(client, township_admin, secretary_a, world):
    drive = drive_create(
        actor=township_admin,
        name="全乡集中帮扶",
        area=Region.objects.get(code=testing.TOWNSHIP),
        starts_on=DAY,
        ends_on=DAY,
    )
    assert DriveTask.objects.filter(campaign=drive).count() == 2
    client.force_login(secretary_a)
    assert "全乡集中帮扶" in client.get("/campaigns/drives/").content.decode()
    page = client.get(f"/campaigns/drives/{drive.pk}/").content.decode()
    assert "汪困难" in page and "郭困难" not in page


def test_unpaired_household_goes_to_its_service_grid_leader(township_admin, secretary_a, world):
    service = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    leader = testing.make_member(area_code=GROUP_A, seq=9, name="汪网格长")
    grid = grid_create(
        actor=township_admin,
        layer=service,
        name="汪屋1号四级网格",
        area=Region.objects.get(code=testing.VILLAGE_A + "001"),
        level=4,
        responsible=leader,
    )
    lonely = testing.make_household(area_code=GROUP_A, seq=8, head_name="汪独居")
    _plan(lonely)
    grid_assign_households(actor=township_admin, grid=grid, households=[lonely])
    drive = drive_create(
        actor=secretary_a,
        name="集中帮扶",
        area=Region.objects.get(code=testing.VILLAGE_A),
        starts_on=DAY,
        ends_on=DAY,
    )
    assert DriveTask.objects.get(campaign=drive, household=lonely).member == leader


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_api_lists_tasks_and_marks_one_done(client, secretary_a, secretary_b, member_a, world):
    drive = drive_create(
        actor=secretary_a,
        name="集中帮扶",
        area=Region.objects.get(code=testing.VILLAGE_A),
        starts_on=DAY,
        ends_on=DAY,
    )
    tasks = client.get(f"/api/v1/drives/{drive.pk}/tasks", **_auth(secretary_a)).json()
    assert tasks["count"] == 1
    assert client.get(f"/api/v1/drives/{drive.pk}/tasks", **_auth(secretary_b)).status_code == 404
    task_id = tasks["items"][0]["id"]
    url = f"/api/v1/drives/tasks/{task_id}/done"
    other = client.post(url, {"note": "x"}, content_type="application/json", **_auth(secretary_b))
    assert other.status_code == 404
    done = client.post(url, {"note": "已上门"}, content_type="application/json", **_auth(member_a))
    assert done.status_code == 200 and done.json()["done_note"] == "已上门"
    again = client.post(url, {"note": "又"}, content_type="application/json", **_auth(member_a))
    assert again.status_code == 422
