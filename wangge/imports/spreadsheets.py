"""Reading and writing registry spreadsheets safely.

Reading: python-calamine for XLSX/XLS/ODS, the csv module for CSV (UTF-8 with or without BOM,
GB18030 as the fallback Excel and WPS use on Chinese Windows). Before any parser sees a file we
check its size, its kind (by its first bytes, not its name) and, for ZIP-based workbooks, the
uncompressed size and compression ratio, so a ZIP bomb is refused without being inflated.

Writing: xlsxwriter. Every text cell goes through ``escape_formula`` so that a value such as
``=HYPERLINK(...)`` stays text when the file is opened or re-saved as CSV (formula injection).
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

MAX_CELL_CHARS = 1000
MAX_ROWS = 300_000
# Real workbooks compress 5–30×; anything far beyond is a bomb or not a workbook.
MAX_COMPRESSION_RATIO = 200
_RATIO_CHECK_MIN_BYTES = 1024 * 1024
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; ``message`` says what to do about it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """One cell's value cannot be used; the message says what to fix."""


@dataclass
class Table:
    """The first sheet of a file: its header row and the non-empty rows below it.

    ``rows`` holds ``(row_number, cells)`` where ``row_number`` is the row as Excel shows it.
    """

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list]] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def read_table(path: str | Path, *, filename: str = "") -> Table:
    """Read the first sheet of ``path``; raise SpreadsheetError with a plain-language reason."""
    path = Path(path)
    size = path.stat().st_size
    max_bytes = settings.WANGGE_IMPORT_MAX_BYTES
    if size == 0:
        raise SpreadsheetError(_("The file is empty. Choose the filled-in template."))
    if size > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s MB; the largest file accepted is %(max)s MB. Split it.")
            % {"size": round(size / 1048576, 1), "max": round(max_bytes / 1048576, 1)}
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = Path(filename or path.name).suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        kind = _check_zip(path)
        grid = _read_calamine(path, kind)
    elif head.startswith(_OLE_MAGIC):
        grid = _read_calamine(path, "xls")
    elif suffix in {".xlsx", ".xls", ".ods", ".xlsm"}:
        raise SpreadsheetError(
            _(
                "This file is not an Excel or WPS workbook although its name ends in %(ext)s. "
                "Open it in Excel or WPS and save it as .xlsx."
            )
            % {"ext": suffix}
        )
    else:
        grid = _read_csv(path)
    return _table_from_grid(grid)


def _check_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise SpreadsheetError(
            _("The workbook is damaged and cannot be opened. Save it again from Excel or WPS.")
        ) from exc
    names = {info.filename for info in infos}
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    limit = settings.WANGGE_IMPORT_MAX_UNZIPPED_BYTES
    too_dense = total > _RATIO_CHECK_MIN_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1)
    if total > limit or too_dense:
        raise SpreadsheetError(
            _(
                "The workbook would unpack to %(size)s MB, far more than its content can need "
                "(a 'ZIP bomb'). It was not opened. Save the data into a new workbook."
            )
            % {"size": round(total / 1048576)}
        )
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    raise SpreadsheetError(
        _("This ZIP file is not a spreadsheet. Choose an .xlsx, .xls, .ods or .csv file.")
    )


def _read_calamine(path: Path, kind: str) -> list[list]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise SpreadsheetError(_("The workbook has no sheets."))
        # The first sheet with content, whatever it is called: a clerk may rename the data
        # sheet or a spreadsheet program may add an empty one in front of it.
        first = None
        for index in range(len(workbook.sheet_names)):
            grid = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            first = grid if first is None else first
            if any(not _blank(v) for row in grid for v in row):
                return grid
        return first
    except SpreadsheetError:
        raise
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise SpreadsheetError(
            _("The workbook cannot be read (%(kind)s): it may be damaged or password-protected.")
            % {"kind": kind.upper()}
        ) from exc


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _("This file is neither a workbook nor a text (CSV) file. Choose the filled template.")
        ) from exc


def _read_csv(path: Path) -> list[list]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise SpreadsheetError(
            _("This file is not a spreadsheet. Choose an .xlsx, .xls, .ods or .csv file.")
        )
    text = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
        grid = [list(row) for row in reader]
    except csv.Error as exc:
        raise SpreadsheetError(
            _(
                "The CSV file is malformed near line %(line)d (%(reason)s). "
                "Save it again from Excel or WPS as CSV."
            )
            % {"line": reader.line_num, "reason": exc}
        ) from exc
    return grid


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table_from_grid(grid: list[list]) -> Table:
    header_index = next((i for i, row in enumerate(grid) if not all(map(_blank, row))), None)
    if header_index is None:
        raise SpreadsheetError(_("The file has no content. Fill in the template and try again."))
    headers = [_header_text(v) for v in grid[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    width = len(headers)
    for index in range(header_index + 1, len(grid)):
        cells = grid[index]
        if (not cells or _blank(cells[0])) and all(map(_blank, cells)):
            continue
        if len(cells) != width:
            cells = list(cells[:width]) + [""] * (width - len(cells))
        rows.append((index + 1, cells))
    if not rows:
        raise SpreadsheetError(
            _("The file has a header row but no data rows. Fill in one row per person.")
        )
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has %(n)d rows; at most %(max)d can be imported at once. Split it.")
            % {"n": len(rows), "max": MAX_ROWS}
        )
    return Table(headers=headers, header_row=header_index + 1, rows=rows)


def _header_text(value) -> str:
    text = "" if value is None else str(value)
    # Templates mark required columns with "*"; people add spaces and full-width brackets.
    return re.sub(r"[\s*＊]", "", text)


# --- cells -----------------------------------------------------------------------------------


def _check_length(text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise CellError(
            _("The cell has %(n)d characters; at most %(max)d are allowed.")
            % {"n": len(text), "max": MAX_CELL_CHARS}
        )
    return text


def cell_text(value) -> str:
    """A cell as text: whole numbers without ``.0``, dates as YYYY-MM-DD."""
    if type(value) is str:
        value = value.strip()
        return value if len(value) <= MAX_CELL_CHARS else _check_length(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _check_length(str(value).strip())


_SCIENTIFIC_RE = re.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]*)?[eEｅＥ][+＋]?[0-9０-９]+$")


def cell_id_number(value) -> str:
    """An ID number cell; numeric cells are refused because Excel kept only 15 digits."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        type(value) is str and _SCIENTIFIC_RE.match(value.strip())
    ):
        raise CellError(
            _(
                "The ID number is stored as a number, so Excel has already changed its last "
                "digits. Format the column as text and type the ID numbers again."
            )
        )
    return cell_text(value)


def cell_record_id(value) -> int | None:
    """The 系统编号 cell of an export: the record's number, or empty for a new row."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    text = cell_text(value)
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise CellError(
        _(
            "%(v)s is not a system number. Keep the number the export wrote, or leave the cell "
            "empty for a new row."
        )
        % {"v": text[:20]}
    )


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def cell_code(value) -> str:
    """A code cell (区划代码): whole numbers without ``.0``, full-width digits as ASCII."""
    return cell_text(value).translate(_FULLWIDTH_DIGITS)


def cell_phone(value) -> str:
    """A phone cell; a whole number of at most 15 digits survives Excel, so it is accepted."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return cell_text(value)


# Converters that, for a string cell, only strip it (and check its length). Not
# ``cell_id_number``: it refuses text in scientific notation (3.40827E+17).
TEXT_CONVERTERS = frozenset({cell_text, cell_phone})

_FULLWIDTH_DATE = str.maketrans("０１２３４５６７８９．／－：　", "0123456789./-: ")
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:00(?::00)?)?$")


def cell_date(value) -> datetime.date | None:
    """A date from a date cell, an Excel serial number or text like 2021-03-05, 2021/3/5."""
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial range: 1900-01-01 .. 9999-12-31
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("%(v)s is not a date. Write dates as 2021-03-05.") % {"v": value})
    text = _check_length(str(value).strip()).translate(_FULLWIDTH_DATE)
    match = _DATE_RE.match(text)
    if match is None and len(text) == 8 and text.isdigit():
        match = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match is None:
        raise CellError(_("%(v)s is not a date. Write dates as 2021-03-05.") % {"v": text[:40]})
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise CellError(
            _("%(v)s is not a real date (check the month and day).") % {"v": text}
        ) from exc


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "n", "no", "false", "0", ""}


def cell_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("Write 是 (yes) or 否 (no); %(v)s is neither.") % {"v": text[:20]})


def cell_int(value) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = cell_text(value)
    if text.isdigit():
        return int(text)
    raise CellError(_("%(v)s is not a whole number.") % {"v": text[:20]})


# --- writing ---------------------------------------------------------------------------------


def escape_formula(value: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class SheetColumn:
    header: str
    width: int = 14
    text: bool = False  # format as text so digits keep every character
    note: str = ""
    example: str = ""
    locked: bool = False  # protected: the sheet's other cells stay editable


# What a clerk may still do on a sheet whose key column is protected (no password: Review →
# Unprotect sheet lifts it).
_PROTECTION = {
    "format_cells": True,
    "format_columns": True,
    "format_rows": True,
    "insert_rows": True,
    "delete_rows": True,
    "sort": True,
    "autofilter": True,
}


def _write_rows(sheet, columns, rows, formats, header_fmt, date_fmt, key_fmt) -> None:
    """The header row and the data rows; text cells go through ``escape_formula``."""
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width, formats[index])
        sheet.write_string(0, index, column.header, header_fmt)
    row_index = 1
    for values in rows:
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    row_index, index, value, key_fmt if columns[index].locked else date_fmt
                )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row_index, index, value, formats[index])
            else:
                sheet.write_string(row_index, index, escape_formula(str(value)), formats[index])
        row_index += 1


def write_workbook(
    target,
    columns: Sequence[SheetColumn],
    rows: Iterable[Sequence],
    *,
    sheet_name: str,
    notes_title: str = "",
    properties: dict | None = None,
    extra_sheets: Sequence[tuple[str, Sequence[SheetColumn], Iterable[Sequence]]] = (),
) -> None:
    """Write one data sheet (and optionally a notes sheet) to a path or binary file object;
    ``extra_sheets`` are further (name, columns, rows) data sheets after it (a ledger's detail).

    When a column is ``locked`` the sheet is protected and every other cell (and the empty
    rows below the data) is unlocked, so only the header and the locked columns are read-only.
    """
    workbook = xlsxwriter.Workbook(
        target, {"constant_memory": True, "in_memory": not isinstance(target, str | Path)}
    )
    if properties:
        workbook.set_properties(properties)
    protect = any(c.locked for c in columns)
    open_ = {"locked": False} if protect else {}
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#E8EEF5", "border": 1})
    text_fmt = workbook.add_format({"num_format": "@", **open_})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd", **open_})
    plain_fmt = workbook.add_format(open_) if protect else None
    key_fmt = workbook.add_format({"bg_color": "#EEEEEE", "font_color": "#555555"})
    formats = [key_fmt if c.locked else text_fmt if c.text else plain_fmt for c in columns]
    sheet = workbook.add_worksheet(sheet_name)
    if protect:
        sheet.protect("", _PROTECTION)
    _write_rows(sheet, columns, rows, formats, header_fmt, date_fmt, key_fmt)
    for extra_name, extra_columns, extra_rows in extra_sheets:
        extra_formats = [text_fmt if c.text else None for c in extra_columns]
        extra = workbook.add_worksheet(extra_name[:31])
        _write_rows(extra, extra_columns, extra_rows, extra_formats, header_fmt, date_fmt, key_fmt)
    if notes_title:
        notes = workbook.add_worksheet(notes_title)
        notes.set_column(0, 0, 16)
        notes.set_column(1, 1, 70)
        notes.set_column(2, 2, 24, text_fmt)
        notes.write_string(0, 0, _("Column"), header_fmt)
        notes.write_string(0, 1, _("What to enter"), header_fmt)
        notes.write_string(0, 2, _("Example"), header_fmt)
        for index, column in enumerate(columns, start=1):
            notes.write_string(index, 0, column.header)
            notes.write_string(index, 1, column.note)
            notes.write_string(index, 2, column.example, text_fmt)
    workbook.close()
