"""XLSX ledgers of councils with their rosters and of a concentrated-assistance drive's tasks:
from their pages and ``wangge export councils|drive-tasks``, scoped, audited, Chinese headers,
phones masked and formulas neutralised."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.campaigns.drive import drive_create, task_done
from wangge.campaigns.models import DriveTask
from wangge.campaigns.tests.test_drive import DAY, world  # noqa: F401 (fixture)
from wangge.grids.councils import council_create, seat_add
from wangge.grids.services import person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


def _rows(content) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.values)


@pytest.fixture
def councils(regions, secretary_a, secretary_b):
    hamlet_a = Region.objects.get(code=HAMLET_A)
    hamlet_b = Region.objects.get(code=HAMLET_B)
    council_a = council_create(actor=secretary_a, hamlet=hamlet_a)
    council_b = council_create(actor=secretary_b, hamlet=hamlet_b)
    elder = person_create(
        actor=secretary_a, name="=HYPERLINK(1)", area=hamlet_a, phone="13912345678"
    )
    seat_add(actor=secretary_a, council=council_a, role="会长", person=elder)
    member = testing.make_member(area_code=HAMLET_A, seq=7, name="汪党员")
    seat_add(actor=secretary_a, council=council_a, role="理事", member=member)
    return {"a": council_a, "b": council_b}


def test_councils_export_from_the_command(councils, tmp_path):
    target = tmp_path / "councils.xlsx"
    out = io.StringIO()
    call_command("export", "councils", str(target), "--area", testing.VILLAGE_A, stdout=out)
    rows = list(load_workbook(target).active.values)
    assert rows[0][:4] == ("议事会", "村", "自然村", "成员人数")
    assert len(rows) == 3  # the header and the two seats of village A's council
    assert {r[5] for r in rows[1:]} == {"会长", "理事"}
    assert all(councils["b"].name not in str(r) for r in rows)
    text = " ".join(str(c) for r in rows for c in r)
    assert "13912345678" not in text and "139****5678" in text
    names = [r[4] for r in rows[1:]]
    assert not any(str(n).startswith("=") for n in names)
    assert AuditEvent.objects.filter(action="export", object_type="party.organisation").exists()
    call_command("export", "councils", str(target), stdout=io.StringIO())
    # Both councils; B's has no roster and is one row.
    assert len(list(load_workbook(target).active.values)) == 4


def test_councils_export_from_the_page_is_scoped(client, councils, secretary_b):
    client.force_login(secretary_b)
    page = client.get("/grids/councils/").content.decode()
    assert 'id="export-councils"' in page
    response = client.get("/imports/councils/export.xlsx")
    assert response.status_code == 200
    rows = _rows(response.content)
    assert len(rows) == 2 and rows[1][0] == councils["b"].name
    member = testing.make_user("m-x", Role.MEMBER, testing.VILLAGE_A)
    client.force_login(member)
    assert client.get("/imports/councils/export.xlsx").status_code == 403


def test_drive_tasks_export(
    client,
    township_admin,
    secretary_a,
    secretary_b,
    world,  # noqa: F811
    tmp_path,
):
    township = township_admin
    drive = drive_create(
        actor=township,
        name="集中帮扶",
        area=Region.objects.get(code=testing.TOWNSHIP),
        starts_on=DAY,
        ends_on=DAY,
    )
    task = DriveTask.objects.get(campaign=drive, household=world["needy"])
    task_done(actor=secretary_a, task=task, note="+送去米油")
    target = tmp_path / "drive.xlsx"
    call_command(
        "export",
        "drive-tasks",
        str(target),
        "--area",
        testing.VILLAGE_A,
        "--campaign",
        str(drive.pk),
        stdout=io.StringIO(),
    )
    rows = list(load_workbook(target).active.values)
    assert rows[0][:4] == ("帮扶活动", "村", "自然村", "户主")
    assert len(rows) == 2 and rows[1][3] == "汪困难" and rows[1][7] == "已完成"
    assert not str(rows[1][9]).startswith("+")
    assert AuditEvent.objects.filter(action="export", object_type="campaigns.drivetask").exists()
    client.force_login(secretary_b)
    page = client.get(f"/campaigns/drives/{drive.pk}/").content.decode()
    assert 'id="export-drive-tasks"' in page
    response = client.get(f"/imports/drive-tasks/export.xlsx?campaign={drive.pk}")
    assert response.status_code == 200, response.content[:300]
    rows = _rows(response.content)
    assert [r[3] for r in rows[1:]] == ["郭困难"]
    client.force_login(township)
    response = client.get(f"/imports/drive-tasks/export.xlsx?campaign={drive.pk}&which=open")
    assert response.status_code == 200, response.content[:300]
    rows = _rows(response.content)
    assert [r[3] for r in rows[1:]] == ["郭困难"]
