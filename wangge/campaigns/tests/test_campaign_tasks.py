"""Campaign tasks on the member's phone (我的任务): a member sees their own open tasks and their
grid's and marks one done with an optional note; a secretary sees the village's; nobody sees or
closes another village's."""

import datetime

import pytest
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.campaigns.engine import task_create
from wangge.campaigns.models import CampaignTask
from wangge.campaigns.services import campaign_create
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed, person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


def _member_user(username, area_code, seq):
    return testing.make_member_user(username, area_code, seq)


@pytest.fixture
def tasks(regions, township_admin, secretary_a, secretary_b):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="2020年防汛抗洪",
        kind="flood",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
    )
    layer = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    grid_a = grid_create(
        actor=None, layer=layer, name="汪屋网格", area=Region.objects.get(code=HAMLET_A), level=4
    )
    m_a = _member_user("m-a", HAMLET_A, 1)
    m_a2 = _member_user("m-a2", HAMLET_A, 3)
    m_b = _member_user("m-b", HAMLET_B, 2)
    GridMember.objects.create(grid=grid_a, member=m_a.member, duty="普通党员")
    own = task_create(
        actor=secretary_a,
        campaign=campaign,
        text="巡查东湖圩口管涌",
        due_on=today,
        member=m_a.member,
    )
    for_grid = task_create(
        actor=secretary_a, campaign=campaign, text="通知汪屋群众转移", due_on=today, grid=grid_a
    )
    linked = person_create(
        actor=secretary_a, name="党员3的志愿者身份", area=Region.objects.get(code=HAMLET_A)
    )
    linked.member = m_a2.member
    linked.save(update_fields=["member"])
    for_person = task_create(
        actor=secretary_a, campaign=campaign, text="值守南港闸口", due_on=today, person=linked
    )
    other = task_create(
        actor=secretary_b, campaign=campaign, text="太华村备沙袋", due_on=today, member=m_b.member
    )
    return {
        "campaign": campaign,
        "m_a": m_a,
        "m_a2": m_a2,
        "m_b": m_b,
        "own": own,
        "grid": for_grid,
        "person": for_person,
        "other": other,
    }


def test_member_sees_own_and_grid_tasks_on_phone(client, tasks):
    client.force_login(tasks["m_a"])
    page = client.get("/campaigns/tasks/").content.decode()
    assert "巡查东湖圩口管涌" in page and "通知汪屋群众转移" in page
    assert "太华村备沙袋" not in page and "值守南港闸口" not in page
    assert 'id="area-tasks"' not in page
    home = client.get("/visits/").content.decode()
    assert "/campaigns/tasks/" in home
    assert 'id="nav-campaign-tasks"' in home


def test_person_record_linked_to_the_member_brings_its_tasks(client, tasks):
    client.force_login(tasks["m_a2"])
    page = client.get("/campaigns/tasks/").content.decode()
    assert "值守南港闸口" in page and "巡查东湖圩口管涌" not in page


def test_member_marks_own_task_done_with_note(client, tasks):
    client.force_login(tasks["m_a"])
    response = client.post(f"/campaigns/tasks/{tasks['own'].pk}/done/", {"note": "已处置管涌"})
    assert response.status_code == 302
    task = CampaignTask.objects.get(pk=tasks["own"].pk)
    assert task.done_at is not None and task.done_note == "已处置管涌"
    assert task.done_by == tasks["m_a"]
    assert AuditEvent.objects.filter(action="campaigns.task_done", object_id=str(task.pk)).exists()
    page = client.get("/campaigns/tasks/").content.decode()
    assert "巡查东湖圩口管涌" not in page
    # Twice: told, nothing changed.
    client.post(f"/campaigns/tasks/{task.pk}/done/", {"note": "再次"})
    task.refresh_from_db()
    assert task.done_note == "已处置管涌"


def test_grid_task_done_without_note(client, tasks):
    client.force_login(tasks["m_a"])
    client.post(f"/campaigns/tasks/{tasks['grid'].pk}/done/", {})
    task = CampaignTask.objects.get(pk=tasks["grid"].pk)
    assert task.done_at is not None and task.done_note == ""


def test_another_village_gets_404_and_a_neighbour_403(client, tasks):
    client.force_login(tasks["m_b"])
    assert client.post(f"/campaigns/tasks/{tasks['own'].pk}/done/").status_code == 404
    # A member of the same village reads the village's tasks but may not close another's.
    client.force_login(tasks["m_a2"])
    assert client.post(f"/campaigns/tasks/{tasks['own'].pk}/done/").status_code == 403
    assert not CampaignTask.objects.filter(done_at__isnull=False).exists()


def test_secretary_sees_the_village_tasks_and_closes_one(client, tasks, secretary_a, secretary_b):
    client.force_login(secretary_a)
    page = client.get("/campaigns/tasks/").content.decode()
    assert 'id="area-tasks"' in page
    assert "巡查东湖圩口管涌" in page and "值守南港闸口" in page
    assert "太华村备沙袋" not in page
    assert client.post(f"/campaigns/tasks/{tasks['other'].pk}/done/").status_code == 404
    response = client.post(f"/campaigns/tasks/{tasks['own'].pk}/done/", {"note": "村里已派人"})
    assert response.status_code == 302
    assert CampaignTask.objects.get(pk=tasks["own"].pk).done_by == secretary_a
    client.force_login(secretary_b)
    page = client.get("/campaigns/tasks/").content.decode()
    assert "太华村备沙袋" in page and "值守南港闸口" not in page


def test_tasks_of_an_ended_campaign_are_not_shown(client, tasks):
    campaign = tasks["campaign"]
    campaign.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    campaign.starts_on = campaign.ends_on - datetime.timedelta(days=5)
    campaign.save(update_fields=["ends_on", "starts_on"])
    client.force_login(tasks["m_a"])
    page = client.get("/campaigns/tasks/").content.decode()
    assert "巡查东湖圩口管涌" not in page


def test_page_needs_a_member_or_staff(client, tasks):
    outsider = testing.make_user("leader", Role.TOWNSHIP_LEADER, testing.TOWNSHIP)
    client.force_login(outsider)
    assert client.get("/campaigns/tasks/").status_code == 403


def test_my_tasks_query_count(client, tasks, django_assert_max_num_queries):
    client.force_login(tasks["m_a"])
    client.get("/campaigns/tasks/")
    with django_assert_max_num_queries(20):
        assert client.get("/campaigns/tasks/").status_code == 200
