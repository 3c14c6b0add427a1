"""Reading untrusted spreadsheet files: every bad file is refused with a clear message."""

import datetime
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from wangge.imports.spreadsheets import (
    CellError,
    SheetColumn,
    SpreadsheetError,
    cell_bool,
    cell_date,
    cell_id_number,
    cell_phone,
    cell_text,
    escape_formula,
    read_table,
    write_workbook,
)
from wangge.imports.tests.sheets import write_xlsx


def test_reads_xlsx_with_excel_row_numbers(tmp_path):
    """GIVEN a workbook with a blank line before the header and one between rows
    THEN row numbers are the ones Excel shows and blank rows are skipped."""
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(1, 0, ["姓名", "身份证号"])
    sheet.write_row(2, 0, ["王一", "340827196005010013"])
    sheet.write_row(4, 0, ["王二", "34082719600501002X"])
    workbook.close()
    table = read_table(path)
    assert table.headers == ["姓名", "身份证号"]
    assert table.header_row == 2
    assert [r for r, _cells in table.rows] == [3, 5]
    assert table.rows[1][1] == ["王二", "34082719600501002X"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_reads_csv_in_the_encodings_excel_and_wps_write(tmp_path, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes("姓名,身份证号\r\n王一,340827196005010013\r\n".encode(encoding))
    table = read_table(path)
    assert table.headers == ["姓名", "身份证号"]
    assert table.rows == [(2, ["王一", "340827196005010013"])]


def test_malformed_csv_is_refused_with_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b'name,id\r\n"unterminated,1\r\nx,2\r\n')
    with pytest.raises(SpreadsheetError, match="malformed"):
        read_table(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(SpreadsheetError, match="empty"):
        read_table(path)


def test_header_without_rows(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", ["姓名", "身份证号"], [])
    with pytest.raises(SpreadsheetError, match="no data rows"):
        read_table(path)


def test_workbook_without_content(tmp_path):
    path = write_xlsx(tmp_path / "blank.xlsx", [], [])
    with pytest.raises(SpreadsheetError, match="no content"):
        read_table(path)


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just some notes, not a workbook\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="not an Excel or WPS workbook"):
        read_table(path, filename="notes.xlsx")


def test_binary_file_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(SpreadsheetError, match="not a spreadsheet"):
        read_table(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SpreadsheetError, match="not a spreadsheet"):
        read_table(path)


def test_damaged_zip(tmp_path):
    path = tmp_path / "cut.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", ["姓名"], [["王一"]]).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(SpreadsheetError, match="damaged"):
        read_table(path)


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    """GIVEN a small .xlsx whose sheet entry inflates to 64 MB of zeros (ratio ~1000:1)
    THEN it is refused from the ZIP directory alone, naming the problem."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(SpreadsheetError, match="ZIP bomb"):
        read_table(path)


def test_total_unzipped_size_limit(tmp_path, settings):
    settings.WANGGE_IMPORT_MAX_UNZIPPED_BYTES = 1000
    path = write_xlsx(tmp_path / "a.xlsx", ["姓名"], [["王一"]] * 50)
    with pytest.raises(SpreadsheetError, match="ZIP bomb"):
        read_table(path)


def test_size_limit(tmp_path, settings):
    settings.WANGGE_IMPORT_MAX_BYTES = 100
    path = tmp_path / "big.csv"
    path.write_text("姓名\n" + "王一\n" * 100, encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="largest file accepted"):
        read_table(path)


def test_numeric_id_cell_is_refused_with_what_to_do():
    with pytest.raises(CellError, match="Format the column as text"):
        cell_id_number(3.40827196005010e17)
    assert cell_id_number("34082719600501002x ") == "34082719600501002x"


def test_numeric_cells_as_text():
    assert cell_phone(13912345678.0) == "13912345678"
    assert cell_text(3.0) == "3"
    assert cell_text(datetime.datetime(2021, 3, 5)) == "2021-03-05"  # noqa: DTZ001 (cells are naive)


def test_huge_cell_is_a_cell_error():
    with pytest.raises(CellError, match="at most 1000"):
        cell_text("长" * 1001)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-05", datetime.date(2021, 3, 5)),
        ("2021/3/5", datetime.date(2021, 3, 5)),
        ("2021.3.5", datetime.date(2021, 3, 5)),
        ("2021年3月5日", datetime.date(2021, 3, 5)),
        ("20210305", datetime.date(2021, 3, 5)),
        (44260, datetime.date(2021, 3, 5)),  # Excel serial number
        (44260.0, datetime.date(2021, 3, 5)),
        (datetime.datetime(2021, 3, 5, 0, 0), datetime.date(2021, 3, 5)),  # noqa: DTZ001 (naive cell)
        ("", None),
    ],
)
def test_dates(value, expected):
    assert cell_date(value) == expected


@pytest.mark.parametrize("value", ["2021-02-30", "5 March", "2021-13-01", -3])
def test_invalid_dates(value):
    with pytest.raises(CellError):
        cell_date(value)


def test_bools():
    assert cell_bool("是") is True
    assert cell_bool("否") is False
    assert cell_bool("") is False
    with pytest.raises(CellError):
        cell_bool("也许")


@pytest.mark.parametrize("value", ["=1+1", "+86", "-2", "@SUM(A1)", '=HYPERLINK("x")'])
def test_formula_escaping(value):
    assert escape_formula(value) == "'" + value
    assert escape_formula("王一") == "王一"


def test_written_workbook_escapes_formulas_and_formats_text_columns():
    buffer = io.BytesIO()
    columns = [SheetColumn("姓名"), SheetColumn("身份证号", text=True, note="18 digits")]
    write_workbook(
        buffer,
        columns,
        [["=cmd|' /C calc'!A0", "340827196005010013"]],
        sheet_name="Data",
        notes_title="Notes",
    )
    buffer.seek(0)
    workbook = openpyxl.load_workbook(buffer)
    sheet = workbook["Data"]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "340827196005010013"
    assert sheet.freeze_panes == "A2"
    assert workbook["Notes"]["B3"].value == "18 digits"
    buffer.seek(0)
    rows = CalamineWorkbook.from_filelike(buffer).get_sheet_by_index(0).to_python()
    assert rows[0] == ["姓名", "身份证号"]
