"""Importing Party members from spreadsheets: row errors, matching, scope and atomicity."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.imports.exporting import template_workbook
from wangge.imports.kinds import KINDS
from wangge.imports.pipeline import SYSTEM, ImportInterrupted, run_import
from wangge.imports.tests.sheets import MEMBER_HEADERS, write_xlsx
from wangge.party.models import Member

BRANCH = "湖滨村党支部"


def mid(seq: int, year: int = 1960) -> str:
    return testing.make_id(datetime.date(year, 5, 1), seq)


def row(seq: int, name: str = "王一", **changes) -> list:
    values = {
        "姓名": name,
        "身份证号": mid(seq),
        "手机号": f"139{seq:08d}",
        "所在支部": BRANCH,
        "村": "湖滨村",
        "自然村": "汪屋",
        "入党日期": "1985/7/1",
        "是否流动党员": "否",
        "流动去向": "",
    }
    values.update(changes)
    return [values[h] for h in MEMBER_HEADERS]


@pytest.fixture
def branch(regions):
    return testing.branch_for(testing.VILLAGE_A, BRANCH)


def run(path, user, **kwargs):
    return run_import(kind=KINDS["members"], path=path, user=user, **kwargs)


def messages(report) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_import_creates_members_with_every_field(branch, secretary_a, tmp_path):
    path = write_xlsx(
        tmp_path / "m.xlsx",
        MEMBER_HEADERS,
        [
            row(1, name="王一"),
            row(2, name="王二", **{"是否流动党员": "是", "流动去向": "上海", "入党日期": 44260}),
        ],
    )
    report = run(path, secretary_a)
    assert report.committed and report.created == 2 and not report.errors
    first, second = Member.objects.order_by("name")
    assert first.id_number == mid(1)
    assert first.id_masked == mid(1)[:6] + "********" + mid(1)[-4:]
    assert first.phone_masked == "139****0001"
    assert first.area_code == testing.VILLAGE_A + "001"
    assert first.organisation == branch
    assert first.joined_on == datetime.date(1985, 7, 1)
    assert first.birth_date == datetime.date(1960, 5, 1)
    assert second.is_mobile and second.mobile_whereabouts == "上海"
    assert second.joined_on == datetime.date(2021, 3, 5)
    event = AuditEvent.objects.get(action="members.import")
    assert event.actor == secretary_a
    assert event.detail["created"] == 2


def test_reimport_changes_nothing(branch, secretary_a, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1), row(2, name="王二")])
    run(path, secretary_a)
    before = list(Member.objects.values_list("pk", "version", "updated_at").order_by("pk"))
    report = run(path, secretary_a)
    assert report.committed
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(Member.objects.values_list("pk", "version", "updated_at").order_by("pk")) == before


def test_changed_row_updates_the_member(branch, secretary_a, tmp_path):
    run(write_xlsx(tmp_path / "a.xlsx", MEMBER_HEADERS, [row(1), row(2, name="王二")]), secretary_a)
    changed = write_xlsx(
        tmp_path / "b.xlsx",
        MEMBER_HEADERS,
        [row(1, **{"手机号": "13800000009"}), row(2, name="王二")],
    )
    report = run(changed, secretary_a)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    member = Member.objects.get(name="王一")
    assert member.phone == "13800000009"
    assert member.version == 2
    assert Member.objects.count() == 2


def test_numeric_id_cell_is_refused_and_nothing_is_imported(branch, secretary_a, tmp_path):
    bad = row(2)
    bad[1] = float(mid(2)[:17])  # what Excel keeps of an ID typed into a General cell
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1), bad])
    report = run(path, secretary_a)
    assert not report.committed
    assert report.errors[0].row == 3
    assert report.errors[0].column == "身份证号"
    assert "Format the column as text" in report.errors[0].message
    assert Member.objects.count() == 0


def test_wrong_headers_name_missing_and_unknown_columns(branch, secretary_a, tmp_path):
    headers = ["名字", "身份证号", "支部", "村", "备注栏"]
    path = write_xlsx(tmp_path / "m.xlsx", headers, [["王一", mid(1), BRANCH, "湖滨村", ""]])
    report = run(path, secretary_a)
    assert not report.committed
    assert "missing columns: 姓名" in report.file_error
    assert "unknown columns: 名字、备注栏" in report.file_error
    assert Member.objects.count() == 0


def test_duplicate_id_in_one_file_names_both_rows(branch, secretary_a, tmp_path):
    path = write_xlsx(
        tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1), row(2, name="王二"), row(1, name="王三")]
    )
    report = run(path, secretary_a)
    assert not report.committed
    assert (2, "身份证号", "The same ID number is also on row 4.") in messages(report)
    assert (4, "身份证号", "The same ID number is also on row 2.") in messages(report)
    assert Member.objects.count() == 0


def test_id_of_another_person_is_an_error(branch, secretary_a, tmp_path):
    testing.make_member(
        area_code=testing.VILLAGE_A, seq=1, name="张国强", birth=datetime.date(1960, 5, 1)
    )
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1, name="王一"), row(2)])
    report = run(path, secretary_a)
    assert not report.committed
    assert report.errors[0].row == 2
    assert "already belongs to another person (张**)" in report.errors[0].message
    assert Member.objects.count() == 1
    assert Member.objects.get().name == "张国强"


@pytest.mark.parametrize(
    ("joined", "reason"),
    [
        ("2021-02-30", "not a real date"),
        ("去年", "is not a date"),
        ("2099-01-01", "in the future"),
        ("1950-01-01", "before the birth date"),
    ],
)
def test_invalid_dates_are_row_errors(branch, secretary_a, tmp_path, joined, reason):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1, **{"入党日期": joined})])
    report = run(path, secretary_a)
    assert not report.committed
    assert report.errors[0].row == 2
    assert report.errors[0].column == "入党日期"
    assert reason in report.errors[0].message
    assert Member.objects.count() == 0


def test_huge_cell_is_a_row_error(branch, secretary_a, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1, **{"流动去向": "远" * 5000})])
    report = run(path, secretary_a)
    assert messages(report)[0][:2] == (2, "流动去向")
    assert "at most 1000" in report.errors[0].message
    assert Member.objects.count() == 0


def test_every_bad_row_is_reported(branch, secretary_a, tmp_path):
    rows = [
        row(1),
        row(2, name=""),
        row(3, **{"手机号": "12345"}),
        row(4, **{"所在支部": "不存在的支部"}),
        row(5, **{"自然村": "没有这个屋"}),
        row(6, **{"是否流动党员": "是"}),
    ]
    rows[2][1] = mid(3)[:17] + "0" if mid(3)[-1] != "0" else mid(3)[:17] + "1"
    report = run(write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows), secretary_a)
    columns = {(e.row, e.column) for e in report.errors}
    assert columns == {
        (3, "姓名"),
        (4, "身份证号"),
        (4, "手机号"),
        (5, "所在支部"),
        (6, "自然村"),
        (7, "流动去向"),
    }
    assert report.error_rows == 5 and report.good_rows == 1
    assert Member.objects.count() == 0


def test_partial_imports_only_the_good_rows(branch, secretary_a, tmp_path):
    rows = [row(1), row(2, name=""), row(3, name="王三")]
    report = run(write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows), secretary_a, partial=True)
    assert report.committed
    assert report.created == 2 and report.error_rows == 1
    assert sorted(Member.objects.values_list("name", flat=True)) == ["王一", "王三"]


def test_interrupted_commit_leaves_no_rows(branch, secretary_a, tmp_path):
    """GIVEN a file committed in batches of 2 WHEN the process dies after the second batch
    THEN the transaction rolls back: no member and no audit event."""
    rows = [row(i, name=f"王{i}") for i in range(1, 8)]
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows)
    seen = []

    def die(batch):
        seen.append(batch)
        assert Member.objects.count() == 2 * batch  # the rows were really written
        if batch == 2:
            raise ImportInterrupted

    with pytest.raises(ImportInterrupted):
        run(path, secretary_a, batch_size=2, after_batch=die)
    assert seen == [1, 2]
    assert Member.objects.count() == 0
    assert not AuditEvent.objects.filter(action="members.import").exists()


def test_secretary_of_b_cannot_import_into_village_a(branch, secretary_b, tmp_path):
    testing.branch_for(testing.VILLAGE_B, "太华村党支部")
    rows = [row(1, **{"所在支部": "太华村党支部", "村": "太华村", "自然村": "郭屋"}), row(2)]
    report = run(write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows), secretary_b)
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [(3, "所在支部")]
    report = run(
        write_xlsx(tmp_path / "m2.xlsx", MEMBER_HEADERS, [row(2, **{"所在支部": "太华村党支部"})]),
        secretary_b,
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "村")]
    assert "outside the areas where you may edit" in report.errors[0].message
    assert Member.objects.count() == 0


def test_secretary_cannot_take_over_a_member_of_another_village(branch, secretary_b, tmp_path):
    testing.make_member(
        area_code=testing.VILLAGE_A, seq=1, name="王一", birth=datetime.date(1960, 5, 1)
    )
    testing.branch_for(testing.VILLAGE_B, "太华村党支部")
    rows = [row(1, **{"所在支部": "太华村党支部", "村": "太华村", "自然村": "郭屋"})]
    report = run(write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows), secretary_b)
    assert "registered outside your area" in report.errors[0].message
    assert Member.objects.get().area_code.startswith(testing.VILLAGE_A)


def test_area_code_column_instead_of_names(branch, township_admin, tmp_path):
    headers = ["姓名", "身份证号", "所在支部", "区划代码"]
    rows = [
        ["王一", mid(1), BRANCH, testing.VILLAGE_A + "001001"],
        ["王二", mid(2), BRANCH, "340827200299"],
    ]
    report = run(
        write_xlsx(tmp_path / "m.xlsx", headers, rows, text_columns=(1, 3)), township_admin
    )
    assert messages(report) == [(3, "区划代码", "There is no area with the code 340827200299.")]


def test_csv_in_gb18030(branch, secretary_a, tmp_path):
    lines = [",".join(MEMBER_HEADERS), ",".join(str(v) for v in row(1))]
    path = tmp_path / "m.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    report = run(path, secretary_a)
    assert report.created == 1 and Member.objects.get().name == "王一"


def test_template_round_trip(branch, secretary_a, tmp_path):
    """GIVEN the downloaded template WHEN one row is filled in (as a user would in Excel)
    THEN importing it creates that member."""
    buffer = io.BytesIO()
    template_workbook(KINDS["members"], buffer)
    buffer.seek(0)
    workbook = openpyxl.load_workbook(buffer)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["姓名", "身份证号"]
    assert sheet.column_dimensions["B"].number_format == "@"  # ID column is text
    notes = workbook.worksheets[1]
    assert notes.max_row == len(headers) + 1
    values = {"姓名": "王一", "身份证号": mid(1), "所在支部": BRANCH, "村": "湖滨村委会"}
    for col, header in enumerate(headers, start=1):
        if header in values:
            sheet.cell(row=2, column=col, value=values[header])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    report = run(path, secretary_a)
    assert report.created == 1, report.errors
    assert Member.objects.get().area_code == testing.VILLAGE_A


def test_command_line_import_and_error_report(branch, tmp_path, capsys):
    good = write_xlsx(tmp_path / "good.xlsx", MEMBER_HEADERS, [row(1)])
    call_command("import", "members", str(good))
    assert "1 created" in capsys.readouterr().out
    assert Member.objects.count() == 1

    bad = write_xlsx(tmp_path / "bad.xlsx", MEMBER_HEADERS, [row(2, name="王二"), row(3, name="")])
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import", "members", str(bad))
    assert "row 3 [姓名]: Enter the member's name." in capsys.readouterr().err
    assert Member.objects.count() == 1

    call_command("import", "members", str(bad), "--partial")
    assert Member.objects.count() == 2


def test_command_line_user_is_scoped(branch, secretary_b, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1)])
    with pytest.raises(CommandError):
        call_command("import", "members", str(path), "--user", secretary_b.username)
    assert Member.objects.count() == 0
    report = run(path, SYSTEM)
    assert report.created == 1


def test_partial_with_no_good_row_imports_nothing(branch, secretary_a, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [row(1, name=""), row(2, name="")])
    report = run(path, secretary_a, partial=True)
    assert not report.committed and report.error_rows == 2
    assert not AuditEvent.objects.filter(action="members.import").exists()
