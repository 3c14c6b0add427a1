"""Reading an uploaded XLSX or CSV into a header and rows (to be unified with registry imports)."""

import csv
import io
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from wangge.core.errors import DomainError
from wangge.imports.spreadsheets import SpreadsheetError
from wangge.imports.spreadsheets import _check_zip as _check_registry_zip

MAX_ROWS = 200_000


@dataclass
class Table:
    headers: list[str]
    rows: list[list]  # cells as read: str, float, int, date/datetime


def _clean_header(value) -> str:
    return str(value if value is not None else "").replace("\u3000", " ").strip()


def read_table(file_name: str, content: bytes) -> Table:
    """Parse the first sheet of an XLSX (or a CSV); the first non-empty row is the header."""
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        rows = _read_workbook(content)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(content)
    else:
        raise DomainError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code="file_type")
    # Blank rows are kept so that row numbers match what the officer sees in Excel.
    if not rows or not any(str(c).strip() for c in rows[0] if c is not None):
        raise DomainError(_("The first row must hold the column headers."), code="empty")
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError(
            _("The file has more than %(n)d rows; split it into smaller files.") % {"n": MAX_ROWS},
            code="too_large",
        )
    headers = [_clean_header(h) for h in rows[0]]
    width = len(headers)
    body = [list(r[:width]) + [""] * (width - len(r)) for r in rows[1:]]
    return Table(headers=headers, rows=body)


def check_archive(content: bytes | BinaryIO) -> None:
    """An XLSX is a ZIP: the registry import's checks (uncompressed size, compression ratio,
    a workbook inside) before anything inflates it, so a ZIP bomb costs no worker time. Only
    the archive's directory is read."""
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    start = source.tell()
    is_zip = source.read(2) == b"PK"
    source.seek(start)
    if not is_zip:
        return
    try:
        _check_registry_zip(source)
    except SpreadsheetError as exc:
        raise DomainError(exc.message, code="bad_file") from exc


def _read_workbook(content: bytes) -> list[list]:
    check_archive(content)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for unreadable files
        raise DomainError(
            _("The file cannot be read as a workbook; save it as .xlsx and try again."),
            code="bad_file",
        ) from exc


def _read_csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("Save the CSV file as UTF-8."), code="encoding")
    return list(csv.reader(io.StringIO(text)))
