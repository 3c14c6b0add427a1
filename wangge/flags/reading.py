"""Reading an uploaded XLSX or CSV into a header and rows (to be unified with registry imports)."""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from wangge.core.errors import DomainError

MAX_ROWS = 200_000
# An XLSX is a ZIP: refuse archives that would expand beyond this before reading them.
MAX_UNCOMPRESSED = 400 * 1024 * 1024


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


def _read_workbook(content: bytes) -> list[list]:
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                total = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise DomainError(
                _("The workbook is damaged; save it again in Excel."), code="bad_file"
            ) from exc
        if total > MAX_UNCOMPRESSED:
            raise DomainError(_("The workbook is too large once unpacked."), code="too_large")
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
