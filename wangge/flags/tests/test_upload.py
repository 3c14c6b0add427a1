import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.core.crypto import blind_index
from wangge.core.errors import ConflictError
from wangge.flags.models import AgencyBatch, AgencyRecord, BatchStatus, MatchStatus
from wangge.flags.reading import read_table
from wangge.flags.services import (
    AgencyFileError,
    agency_batch_commit,
    agency_batch_rollback,
    agency_parse,
)
from wangge.flags.tests.conftest import HAMLET_A, HAMLET_B, MEDICAL_HEADERS, TODAY, head_id, medical
from wangge.households.models import Resident

MAPPING = {
    "name": "姓名",
    "id_number": "身份证号码",
    "visit_kind": "就诊类别",
    "settle_date": "结算日期",
    "total_cost": "医疗总费用",
    "self_paid": "个人自付",
}


def commit(officer, source, table, **kw):
    return agency_batch_commit(
        actor=officer,
        source=source,
        area_code=testing.TOWNSHIP,
        file_name="医保.xlsx",
        table=table,
        mapping=kw.pop("mapping", MAPPING),
        today=TODAY,
        **kw,
    )


def test_commit_matches_heads_and_residents_and_keeps_unmatched(officer, source, homes):
    """GIVEN a head in A, a resident of A2, a stranger and a person in two households
    WHEN the file is committed THEN every row is kept with its match status."""
    resident_id = testing.make_id(datetime.date(1980, 1, 1), 77)
    Resident.objects.create(
        household=homes["a2"],
        name="汪小二",
        relation="子",
        id_number=resident_id,
        id_hash=blind_index(resident_id),
    )
    both_id = head_id(3)  # head of a3, and (by a registry mistake) a resident of b1
    Resident.objects.create(
        household=homes["b1"],
        name="重号",
        relation="子",
        id_number=both_id,
        id_hash=blind_index(both_id),
    )
    stranger = testing.make_id(datetime.date(1970, 1, 1), 999)
    table = medical(
        [
            ["汪一", head_id(1), "住院", "2021.3.5", "60000", "30000.50"],
            ["汪小二", resident_id, "门诊", "2021/03/06", "100", " ８０ "],
            ["路人", stranger, "门诊", 44265, "10", "5"],
            ["重号", both_id, "门诊", "2021-03-08", "10", "5"],
        ]
    )
    batch = commit(officer, source, table)

    assert (batch.row_count, batch.matched_count, batch.unmatched_count, batch.ambiguous_count) == (
        4,
        2,
        1,
        1,
    )
    records = {r.row_number: r for r in AgencyRecord.objects.filter(batch=batch)}
    assert records[2].household == homes["a1"]
    assert records[2].amount == Decimal("30000.50")
    assert records[2].record_date == datetime.date(2021, 3, 5)
    assert records[2].area_code == HAMLET_A
    assert records[3].household == homes["a2"]
    assert records[3].values["self_paid"] == "80.00"
    assert records[4].match_status == MatchStatus.UNMATCHED
    assert records[4].household is None and records[4].area_code == testing.TOWNSHIP
    assert records[5].match_status == MatchStatus.AMBIGUOUS
    assert records[2].person_id_number == head_id(1)
    assert "*" in records[2].person_id_masked
    source.refresh_from_db()
    assert source.column_mapping["self_paid"] == "个人自付"
    assert AuditEvent.objects.filter(action="flags.batch_commit").count() == 1


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["x", "110105194912310021", "门诊", "2021-03-05", "1", "1"], "ID number", "should be X"),
        (["x", None, "门诊", "2021-03-05", "1", "1"], "ID number", "empty"),
        (["x", "11010519491231002X", "门诊", "2021-03-05", "1", "三百"], "Self-paid", "amount"),
        (["x", "11010519491231002X", "门诊", "1899-03-05", "1", "1"], "Settlement date", "range"),
        (["x", "11010519491231002X", "门诊", "next week", "1", "1"], "Settlement date", "date"),
    ],
)
def test_any_bad_row_commits_nothing(officer, source, homes, row, column, words):
    table = medical([["汪一", head_id(1), "住院", "2021-03-05", "1", "1"], row])
    with pytest.raises(AgencyFileError) as caught:
        commit(officer, source, table)
    error = caught.value.errors[0]
    assert (error.row, error.column) == (3, column)
    assert words in error.message
    assert not AgencyBatch.objects.exists()
    assert not AgencyRecord.objects.exists()


def test_duplicate_rows_and_missing_columns_are_reported(officer, source, homes):
    same = ["汪一", head_id(1), "住院", "2021-03-05", "1", "1"]
    preview = agency_parse(
        kind="medical_insurance", table=medical([same, same]), mapping=MAPPING, today=TODAY
    )
    assert [(e.row, e.message) for e in preview.errors] == [(3, "This row repeats row 2.")]

    wrong = medical([same])
    wrong.headers = ["姓名", "证件", "就诊类别", "日期", "医疗总费用", "自付"]
    preview = agency_parse(kind="medical_insurance", table=wrong, mapping=MAPPING, today=TODAY)
    assert {e.column for e in preview.errors} >= {"ID number", "Self-paid", "Settlement date"}
    assert all(e.row == 1 for e in preview.errors)


def test_only_officers_of_the_area_upload(secretary_a, officer_b, source, homes):
    table = medical([["汪一", head_id(1), "住院", "2021-03-05", "1", "1"]])
    with pytest.raises(PermissionDenied):
        commit(secretary_a, source, table)
    with pytest.raises(PermissionDenied):
        commit(officer_b, source, table)  # village B officer, township-wide upload


def test_village_officer_matches_only_inside_its_village(officer_b, source, homes):
    table = medical(
        [
            ["汪一", head_id(1), "住院", "2021-03-05", "1", "1"],
            ["郭一", head_id(4), "住院", "2021-03-05", "1", "1"],
        ]
    )
    batch = agency_batch_commit(
        actor=officer_b,
        source=source,
        area_code=testing.VILLAGE_B,
        file_name="b.csv",
        table=table,
        mapping=MAPPING,
        today=TODAY,
    )
    assert (batch.matched_count, batch.unmatched_count) == (1, 1)
    assert AgencyRecord.objects.get(row_number=3).area_code == HAMLET_B


def test_rollback_marks_rows_inactive_once(officer, source, homes):
    batch = commit(officer, source, medical([["汪一", head_id(1), "住院", "2021-03-05", "1", "1"]]))
    agency_batch_rollback(actor=officer, batch=batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK and batch.rolled_back_by == officer
    assert not AgencyRecord.objects.filter(active=True).exists()
    assert AgencyRecord.objects.count() == 1  # kept as history
    with pytest.raises(ConflictError):
        agency_batch_rollback(actor=officer, batch=batch)


def _xlsx(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    # A spreadsheet's date cell holds a naive datetime.
    cell = datetime.datetime(2021, 3, 5)  # noqa: DTZ001
    sheet.write_datetime(1, 3, cell, book.add_format({"num_format": "yyyy-mm-dd"}))
    book.close()
    return out.getvalue()


def test_xlsx_and_csv_read_the_same(officer, source, homes):
    row = ["汪一", head_id(1), "住院", "2021-03-05", 60000, 51000.5]
    table = read_table("医保.xlsx", _xlsx([MEDICAL_HEADERS, row]))
    assert table.headers == MEDICAL_HEADERS
    batch = commit(officer, source, table)
    assert batch.matched_count == 1
    csv_bytes = (
        "\ufeff" + ",".join(MEDICAL_HEADERS) + "\n" + ",".join(map(str, row)) + "\n"
    ).encode()
    csv_table = read_table("医保.csv", csv_bytes)
    parsed = agency_parse(kind="medical_insurance", table=csv_table, mapping=MAPPING, today=TODAY)
    assert parsed.rows[0].values == AgencyRecord.objects.get().values
