"""The clerk's round trip: export, re-save (or edit) in LibreOffice Calc, import back.

The files are real LibreOffice saves, committed under ``fixtures/`` (see ``roundtrip.py``).
"""

import datetime
import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.households.models import Household
from wangge.imports.exporting import export_workbook, full_sheet_name
from wangge.imports.kinds import KINDS
from wangge.imports.pipeline import SYSTEM, run_import
from wangge.imports.spreadsheets import write_workbook
from wangge.imports.tests import roundtrip
from wangge.imports.tests.roundtrip import FIXTURES, build_registry, grid, resave, soffice
from wangge.party.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(regions, tags):
    build_registry()


@pytest.fixture
def secretary_client(client, secretary_a):
    client.force_login(secretary_a)
    return client


def snapshot(model) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list("pk", "version", "updated_at"))


def run(kind: str, name: str, user, **kwargs):
    return run_import(kind=KINDS[kind], path=FIXTURES / name, user=user, filename=name, **kwargs)


def export_headers(kind: str) -> list[str]:
    return [c.header for c in KINDS[kind].export_columns()]


@pytest.mark.parametrize(
    ("kind", "model", "name"),
    [
        ("households", Household, "households-resaved.xlsx"),
        ("members", Member, "members-resaved.xlsx"),
    ],
)
def test_untouched_export_resaved_by_libreoffice_changes_nothing(
    registry, secretary_a, kind, model, name
):
    assert grid(FIXTURES / name)[0] == export_headers(kind)  # the fixture is today's export
    before = snapshot(model)
    audit_before = AuditEvent.objects.count()

    report = run(kind, name, secretary_a)

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before))
    assert report.committed
    assert snapshot(model) == before
    # One audit row for the import, none per record.
    assert AuditEvent.objects.count() == audit_before + 1
    assert AuditEvent.objects.latest("id").action == f"{kind}.import"


def test_one_edited_address_updates_exactly_one_household(registry, secretary_a):
    before = dict((pk, v) for pk, v, _at in snapshot(Household))
    report = run("households", "households-one-address.xlsx", secretary_a)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    edited = Household.objects.get(pk=503)
    assert edited.address == "汪屋3号东头"
    assert edited.version == before[503] + 1
    # Masked numbers left as exported kept the stored ones; tags too.
    assert edited.head_id_number == testing.make_id(datetime.date(1953, 3, 3), 3)
    assert edited.phone == "13800000003"
    assert {pk: v for pk, v, _at in snapshot(Household) if pk != 503} == {
        pk: v for pk, v in before.items() if pk != 503
    }


def test_a_masked_number_that_does_not_fit_is_an_error_naming_row_and_column(registry, secretary_a):
    # 王二 got a new full phone; 王三's ID number was retyped as a mask of another number.
    report = run("members", "members-edited.xlsx", secretary_a)
    assert not report.committed
    [error] = report.errors
    assert (error.row, error.column) == (4, "身份证号")
    assert "340827********0000" in error.message and "does not fit" in error.message
    assert Member.objects.get(pk=702).phone == "13900000002"

    report = run("members", "members-edited.xlsx", secretary_a, partial=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    member = Member.objects.get(pk=702)
    assert (member.phone, member.phone_masked) == ("13700000002", "137****0002")


def test_households_quirks_of_spreadsheet_programs(registry, secretary_a):
    """An empty first sheet, the data sheet renamed, numbers as floats, a phone as a number,
    trailing spaces, full-width digits, empty rows, and two ID numbers stored as numbers."""
    report = run("households", "households-quirks.xlsx", secretary_a)
    assert not report.committed
    assert sorted((e.row, e.column) for e in report.errors) == [
        (7, "户主身份证号"),
        (8, "户主身份证号"),
    ]
    assert all("stored as a number" in e.message for e in report.errors)

    report = run("households", "households-quirks.xlsx", secretary_a, partial=True)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 2)
    new = Household.objects.get(head_name="赵新")
    assert new.head_id_number == testing.make_id(datetime.date(1970, 1, 2), 9)
    assert (new.area_code, new.size, new.phone) == (roundtrip.GROUP, 4, "13812345678")


def test_members_quirks_of_spreadsheet_programs(registry, secretary_a):
    """Dates as serial numbers and as text, 否 with a trailing space, full-width digits."""
    report = run("members", "members-quirks.xlsx", secretary_a)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (1, 0, 2)
    new = Member.objects.get(name="王新")
    assert new.id_number == testing.make_id(datetime.date(1980, 2, 3), 9)
    assert new.joined_on == datetime.date(2020, 7, 1)


def test_rows_that_name_no_record_or_the_same_record_twice(registry, secretary_a, tmp_path):
    kind = KINDS["households"]
    rows = list(kind.export_rows(Household.objects.order_by("pk")))
    rows[0][0] = 999  # no such record
    rows[2] = [*rows[1][:9], "汪屋2号西头", *rows[1][10:]]  # twice the same record
    rows.append(["", "新户", rows[3][2], "", 2, roundtrip.HAMLET, "", "", "", "新1号", "", ""])
    path = tmp_path / "bad.xlsx"
    write_workbook(path, kind.export_columns(), rows, sheet_name="Data")
    report = run_import(kind=kind, path=path, user=secretary_a)
    problems = {(e.row, e.column): e.message for e in report.errors}
    assert "system number 999" in problems[(2, "系统编号（请勿修改）")]
    assert "also on row 4" in problems[(3, "系统编号（请勿修改）")]
    assert "also on row 3" in problems[(4, "系统编号（请勿修改）")]
    assert "masked number" in problems[(8, "户主身份证号")]


def test_a_record_outside_the_writers_area_is_not_found(registry, secretary_b):
    report = run("households", "households-resaved.xlsx", secretary_b)
    assert not report.committed
    assert report.error_rows == 6
    assert all("system number" in e.message for e in report.errors)


def test_a_full_new_id_number_replaces_the_stored_one(registry, secretary_a, tmp_path):
    kind = KINDS["members"]
    rows = list(kind.export_rows(Member.objects.order_by("pk")))
    new_id = testing.make_id(datetime.date(1961, 5, 1), 77)
    rows[0][2] = new_id
    del rows[1]  # 王二's row is not in the file; 王三's row (now row 3) takes her number
    rows[1][2] = Member.objects.get(pk=702).id_number
    rows[1][3] = ""  # (the birth date column would disagree first)
    path = tmp_path / "ids.xlsx"
    write_workbook(path, kind.export_columns(), rows, sheet_name="Data")
    report = run_import(kind=kind, path=path, user=secretary_a)
    assert [(e.row, e.column) for e in report.errors] == [(3, "身份证号")]
    assert "system number 702" in report.errors[0].message
    report = run_import(kind=kind, path=path, user=secretary_a, partial=True)
    assert report.updated == 1
    assert Member.objects.get(pk=701).id_number == new_id


def test_full_export_from_the_command_line(registry, secretary_a, tmp_path):
    out = tmp_path / "full.xlsx"
    with pytest.raises(CommandError, match="--reason"):
        call_command("export", "households", str(out), "--full")
    with pytest.raises(CommandError, match="at least 4 characters"):
        call_command("export", "households", str(out), "--full", "--reason", "\u200b.")
    call_command(
        "export",
        "households",
        str(out),
        "--full",
        "--reason",
        "更正身份证号",
        "--user",
        "secretary-a",
    )
    workbook = CalamineWorkbook.from_path(str(out))
    assert workbook.sheet_names == [full_sheet_name()]
    rows = {int(r[0]): r for r in workbook.get_sheet_by_index(0).to_python()[1:]}
    assert rows[501][2] == Household.objects.get(pk=501).head_id_number
    event = AuditEvent.objects.filter(action="export").get()
    assert event.actor == secretary_a
    assert event.detail["unmasked"] is True
    assert event.detail["reason"] == "更正身份证号"
    assert event.detail["fields"] == ["head_id_number", "phone"]
    report = run_import(kind=KINDS["households"], path=out, user=secretary_a)
    assert (report.updated, report.unchanged) == (0, 6)


def test_full_export_refused_to_someone_who_edits_no_registry(registry, tmp_path):
    testing.make_user("viewer", None, None)
    with pytest.raises(CommandError, match="may not export"):
        call_command(
            "export",
            "members",
            str(tmp_path / "x.xlsx"),
            "--full",
            "--reason",
            "x",
            "--user",
            "viewer",
        )


def test_full_export_page_asks_why_and_records_it(registry, secretary_client, secretary_a):
    url = reverse("imports:export_full", args=["members"])
    page = secretary_client.get(url, {"area_code": roundtrip.HAMLET})
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    refused = secretary_client.post(url + f"?area_code={roundtrip.HAMLET}", {"reason": " "})
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    response = secretary_client.post(
        url + f"?area_code={roundtrip.HAMLET}",
        testing.reveal_data(roundtrip.HAMLET, "核对党员身份证号"),
    )
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.sheet_names == [full_sheet_name()]
    rows = {int(r[0]): r for r in workbook.get_sheet_by_index(0).to_python()[1:]}
    assert set(rows) == {701, 703, 705}
    assert rows[701][2] == Member.objects.get(pk=701).id_number
    event = AuditEvent.objects.filter(action="export").get()
    assert event.detail["reason"] == "核对党员身份证号" and event.actor == secretary_a
    assert event.detail["purpose"] == "户籍核对"


def test_full_export_link_only_for_registry_editors(registry, secretary_client, client):
    link = reverse("imports:export_full", args=["households"])
    assert link in secretary_client.get(reverse("households:household_list")).content.decode()
    client.force_login(testing.make_user("leader", "township_leader", testing.TOWNSHIP))
    page = client.get(reverse("households:household_list"))
    assert page.status_code == 200
    assert link not in page.content.decode()
    assert client.get(link).status_code == 403


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(("kind", "model"), [("households", Household), ("members", Member)])
def test_live_round_trip_through_libreoffice(registry, secretary_a, tmp_path, kind, model):
    exported = tmp_path / f"{kind}-export.xlsx"
    export_workbook(KINDS[kind], str(exported), user=secretary_a, params={})
    resaved = resave(exported, tmp_path / f"{kind}.xlsx")
    before = snapshot(model)
    report = run_import(kind=KINDS[kind], path=resaved, user=secretary_a)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before))
    assert snapshot(model) == before


# --- making the committed fixtures ----------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("WANGGE_MAKE_FIXTURES") or soffice() is None,
    reason="set WANGGE_MAKE_FIXTURES=1 (with LibreOffice installed) to remake the fixtures",
)
def test_make_fixtures(registry, tmp_path):
    FIXTURES.mkdir(exist_ok=True)
    households = KINDS["households"]
    members = KINDS["members"]

    def save(kind, rows, name, **options):
        source = tmp_path / name
        write_workbook(source, kind.export_columns(), rows, sheet_name=options.get("sheet", "数据"))
        resave(source, FIXTURES / name)

    for kind in (households, members):
        source = tmp_path / f"{kind.name}-export.xlsx"
        export_workbook(kind, str(source), user=SYSTEM, params={})
        resave(source, FIXTURES / f"{kind.name}-resaved.xlsx")

    rows = list(households.export_rows(Household.objects.order_by("pk")))
    rows[2][9] = "汪屋3号东头"
    save(households, rows, "households-one-address.xlsx")

    rows = list(members.export_rows(Member.objects.order_by("pk")))
    rows[1][4] = "13700000002"
    rows[2][2] = "340827********0000"
    save(members, rows, "members-edited.xlsx")

    _households_quirks(households, tmp_path)
    _members_quirks(members, tmp_path)


def _households_quirks(kind, tmp_path):
    import xlsxwriter

    rows = list(kind.export_rows(Household.objects.order_by("pk")))
    source = tmp_path / "households-quirks.xlsx"
    book = xlsxwriter.Workbook(str(source))
    book.add_worksheet("Sheet1")  # empty, in front
    sheet = book.add_worksheet("户籍表")  # renamed
    for col, header in enumerate(c.header for c in kind.columns()):
        sheet.write(0, col, header)
    first, second = rows[0], rows[1]
    sheet.write_row(1, 0, [first[0], first[1], first[2], 13800000001.0, 1.0, *first[5:]])
    sheet.write_row(
        2,
        0,
        [
            float(second[0]),
            second[1],
            second[2],
            second[3],
            float(second[4]),
            *second[5:9],
            second[9] + "   ",
            *second[10:],
        ],
    )
    # Row 4 and 5 empty. A new row with full-width digits and trailing spaces:
    new_id = testing.make_id(datetime.date(1970, 1, 2), 9)
    full_width = new_id.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    code = roundtrip.GROUP.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    sheet.write_row(
        5,
        0,
        ["", "赵新 ", full_width + " ", "13812345678 ", "４", code, "", "", "", "汪屋9号 ", "", ""],
    )
    sheet.write_row(
        6,
        0,
        ["", "赵数", float(new_id[:15]), "", 2, roundtrip.GROUP, "", "", "", "汪屋10号", "", ""],
    )
    sheet.write_row(
        7, 0, ["", "赵科", "3.40827E+17", "", 2, roundtrip.GROUP, "", "", "", "汪屋11号", "", ""]
    )
    book.close()
    resave(source, FIXTURES / "households-quirks.xlsx")


def _members_quirks(kind, tmp_path):
    import xlsxwriter

    rows = list(kind.export_rows(Member.objects.order_by("pk")))
    source = tmp_path / "members-quirks.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("党员")
    for col, header in enumerate(c.header for c in kind.columns()):
        sheet.write(0, col, header)
    first, fifth = rows[0], rows[4]
    serial = (first[10] - datetime.date(1899, 12, 30)).days
    sheet.write_row(
        1,
        0,
        [
            first[0],
            first[1],
            first[2],
            first[3].strftime("%Y/%-m/%-d"),
            first[4],
            *first[5:10],
            serial,
            "否 ",
            "",
        ],
    )
    sheet.write_row(
        2,
        0,
        [
            fifth[0],
            fifth[1] + " ",
            fifth[2],
            fifth[3].isoformat() + " 00:00:00",
            fifth[4],
            *fifth[5:10],
            fifth[10].strftime("%Y年%-m月%-d日"),
            "否",
            "",
        ],
    )
    new_id = testing.make_id(datetime.date(1980, 2, 3), 9)
    sheet.write_row(
        4,
        0,
        [
            "",
            "王新",
            new_id.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "",
            "",
            "湖滨村党支部",
            roundtrip.HAMLET,
            "",
            "",
            "",
            "２０２０．７．１",
            "",
            "",
        ],
    )
    book.close()
    resave(source, FIXTURES / "members-quirks.xlsx")


def test_the_job_page_counts_in_chinese(registry, secretary_client, secretary_a, settings):
    from wangge.imports.models import ImportJob

    settings.LANGUAGE_CODE = "zh-hans"
    job = ImportJob.objects.create(
        kind="households",
        file="x.xlsx",
        original_name="x.xlsx",
        user=secretary_a,
        status=ImportJob.Status.DONE,
        committed=True,
        total_rows=6,
        unchanged=6,
    )
    page = secretary_client.get(
        reverse("imports:job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    for word in ("新建", "更新", "未变"):
        assert word in page
    assert "创建时间" not in page and "更新时间" not in page
