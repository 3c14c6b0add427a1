"""Importing and exporting households: tags, matching, conflicts, scope and atomicity."""

import datetime

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.households.models import Household, Resident
from wangge.imports.kinds import KINDS
from wangge.imports.pipeline import ImportInterrupted, run_import
from wangge.imports.tests.sheets import HOUSEHOLD_HEADERS, write_xlsx


def hid(seq: int) -> str:
    return testing.make_id(datetime.date(1955, 3, 3), seq)


def row(seq: int, name: str = "李大毛", **changes) -> list:
    values = {
        "户主姓名": name,
        "户主身份证号": hid(seq),
        "联系电话": f"138{seq:08d}",
        "家庭人口": 3,
        "村": "湖滨村",
        "自然村": "汪屋",
        "地址": f"汪屋{seq}号",
        "户类型": "家庭困难户、留守老人",
        "备注": "",
    }
    values.update(changes)
    return [values[h] for h in HOUSEHOLD_HEADERS]


def run(path, user, **kwargs):
    return run_import(kind=KINDS["households"], path=path, user=user, **kwargs)


def test_import_creates_households_with_tags(tags, secretary_a, tmp_path):
    rows = [
        row(1),
        row(2, name="李二", **{"户类型": "低保,外出务工户", "联系电话": "0556-4123456"}),
    ]
    report = run(write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, rows), secretary_a)
    assert report.committed and report.created == 2, report.errors
    first = Household.objects.get(head_name="李大毛")
    assert first.head_id_number == hid(1)
    assert first.area_code == testing.VILLAGE_A + "001"
    assert first.size == 3
    assert sorted(t.name for t in first.tags.all()) == ["家庭困难户", "留守老人"]
    second = Household.objects.get(head_name="李二")
    assert second.phone == "0556-4123456"
    assert sorted(t.slug for t in second.tags.all()) == ["low_income", "migrant"]
    assert AuditEvent.objects.get(action="households.import").detail["created"] == 2


def test_reimport_is_a_no_op_and_changes_update(tags, secretary_a, tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, [row(1), row(2, name="李二")])
    run(path, secretary_a)
    before = list(Household.objects.values_list("pk", "version", "updated_at").order_by("pk"))
    again = run(path, secretary_a)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        list(Household.objects.values_list("pk", "version", "updated_at").order_by("pk")) == before
    )

    changed = write_xlsx(
        tmp_path / "h2.xlsx",
        HOUSEHOLD_HEADERS,
        [row(1, **{"户类型": "经济发展户", "家庭人口": 4}), row(2, name="李二")],
    )
    report = run(changed, secretary_a)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    household = Household.objects.get(head_name="李大毛")
    assert household.size == 4 and household.version == 2
    assert [t.name for t in household.tags.all()] == ["经济发展户"]


def test_unknown_tag_lists_the_known_ones(tags, secretary_a, tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, [row(1, **{"户类型": "富裕户"})])
    report = run(path, secretary_a)
    assert report.errors[0].column == "户类型"
    assert "富裕户 is not a household type" in report.errors[0].message
    assert "家庭困难户" in report.errors[0].message
    assert Household.objects.count() == 0


def test_id_of_a_resident_of_another_household_is_a_conflict(tags, secretary_a, tmp_path):
    other = testing.make_household(area_code=testing.VILLAGE_A + "001", seq=50)
    Resident.objects.create(
        household=other, name="李小毛", relation="子", id_number=hid(1), id_hash=_hash(hid(1))
    )
    report = run(write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, [row(1)]), secretary_a)
    assert "belongs to a resident (李**) of another household" in report.errors[0].message
    assert Household.objects.count() == 1


def _hash(value):
    from wangge.core.crypto import blind_index

    return blind_index(value)


def test_size_and_area_errors(tags, secretary_a, tmp_path):
    rows = [
        row(1, **{"家庭人口": 0}),
        row(2, **{"家庭人口": "三"}),
        row(3, **{"村": "不存在村"}),
        row(4, **{"地址": ""}),
    ]
    report = run(write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, rows), secretary_a)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "家庭人口"),
        (3, "家庭人口"),
        (4, "村"),
        (5, "地址"),
    ]
    assert Household.objects.count() == 0


def test_secretary_b_cannot_import_into_village_a(tags, secretary_b, tmp_path):
    rows = [row(1, **{"村": "太华村", "自然村": "郭屋"}), row(2)]
    report = run(write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, rows), secretary_b)
    assert [(e.row, e.column) for e in report.errors] == [(3, "村")]
    assert Household.objects.count() == 0
    partial = run(
        write_xlsx(tmp_path / "h2.xlsx", HOUSEHOLD_HEADERS, rows), secretary_b, partial=True
    )
    assert partial.created == 1
    assert Household.objects.get().area_code == testing.VILLAGE_B + "001"


def test_interrupted_commit_leaves_no_rows(tags, secretary_a, tmp_path):
    rows = [row(i, name=f"李{i}") for i in range(1, 8)]
    path = write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, rows)

    def die(batch):
        if batch == 2:
            raise ImportInterrupted

    with pytest.raises(ImportInterrupted):
        run(path, secretary_a, batch_size=3, after_batch=die)
    assert Household.objects.count() == 0
    assert Household.tags.through.objects.count() == 0


def test_export_command_writes_the_filtered_list(regions, tags, tmp_path):
    for seq in (1, 2):
        testing.make_household(
            area_code=testing.VILLAGE_A + "001", seq=seq, head_name="=SUM(A1)", tags=tags[:1]
        )
    testing.make_household(area_code=testing.VILLAGE_B + "001", seq=3, head_name="郭三")
    out = tmp_path / "out.xlsx"
    call_command("export", "households", str(out), "--tag", "hardship")
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["系统编号（请勿修改）", "户主姓名", "户主身份证号", "联系电话"]
    assert len(rows) == 3
    assert rows[1][1] == "'=SUM(A1)"
    assert "*" in rows[1][2]
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_unmasked_export_imports_back_unchanged(regions, tags, tmp_path):
    testing.make_household(area_code=testing.VILLAGE_A + "001", seq=1, tags=tags[:2])
    out = tmp_path / "out.xlsx"
    call_command("export", "households", str(out), "--full", "--reason", "核对户籍")
    call_command("import", "households", str(out))
    household = Household.objects.get()
    assert household.version == 1
    event = AuditEvent.objects.filter(action="households.import").get()
    assert event.detail["unchanged"] == 1
