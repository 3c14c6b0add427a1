"""The registry import pipeline: parse → validate every row → match → commit in one transaction.

Each row goes through the same domain validators as the forms (``member_validate``,
``household_validate``). Errors are collected per row with the row number and column header the
user sees in Excel. By default one bad row means nothing is imported; ``partial=True`` imports the
good rows. Rows are matched to existing records by the keyed hash of the ID number: identical rows
are left alone, changed rows update the record. The commit is one transaction of bulk writes, so an
interrupted import leaves nothing behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.models import REGISTRY_WRITERS, Role
from wangge.accounts.scope import area_prefixes
from wangge.audit.services import audit_record
from wangge.imports.spreadsheets import (
    MAX_CELL_CHARS,
    TEXT_CONVERTERS,
    CellError,
    SpreadsheetError,
    read_table,
)

if TYPE_CHECKING:
    from wangge.imports.kinds import ImportKind

BATCH_SIZE = 10_000  # rows per INSERT executemany or COPY; one transaction either way
LOOKUP_CHUNK = 900  # below SQLite's historical limit of 999 query parameters
PROGRESS_EVERY = 500


class SystemActor:
    """The command line without ``--user``: the whole database is in scope, audit actor empty."""

    pk = None
    id = None
    is_authenticated = True
    username = "system"
    _wangge_scope = [(Role.TOWNSHIP_ADMIN.value, "")]

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


@dataclass
class RowError:
    row: int | None  # as Excel numbers it; None for a problem with the whole file
    column: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})

    @property
    def file_error(self) -> str:
        return next((e.message for e in self.errors if e.row is None), "")

    @property
    def good_rows(self) -> int:
        return 0 if self.file_error else self.total - self.error_rows


@dataclass(slots=True)
class Prepared:
    """One valid row: its number, the validated data and (later) the record it matches."""

    row: int
    data: Any
    key: str
    existing: Any = None


class ImportInterrupted(Exception):
    """Raised by a test hook to prove the commit leaves nothing behind."""


Progress = Callable[[int, int, str], None]


def writer_prefixes(user) -> list[str]:
    return area_prefixes(user, {r.value for r in REGISTRY_WRITERS})


def in_scope(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def run_import(
    *,
    kind: ImportKind,
    path: str | Path,
    user,
    partial: bool = False,
    filename: str = "",
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    after_batch: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one file; return what happened. Nothing is written unless ``report.committed``."""
    started = time.monotonic()
    report = ImportReport(kind=kind.name)
    try:
        table = read_table(path, filename=filename)
        mapping = kind.map_headers(table.headers)
    except SpreadsheetError as exc:
        report.errors.append(RowError(None, "", exc.message))
        report.seconds = time.monotonic() - started
        return report
    report.total = len(table.rows)
    lap = _Lap(report, started)
    lap("read")
    prefixes = writer_prefixes(user)
    context = kind.context(user=user, prefixes=prefixes, rows=table.rows, mapping=mapping)
    bad_rows: set[int] = set()

    def fail(row: int, column: str, message: str) -> None:
        report.errors.append(RowError(row, column, message))
        bad_rows.add(row)

    prepared = _validate_rows(kind, table.rows, mapping, context, prefixes, fail, progress)
    lap("validate")
    creates, updates, report.unchanged = _match(kind, prepared, mapping, prefixes, fail)
    report.errors.sort(key=lambda e: (e.row or 0, e.column))
    lap("match")

    # With errors, nothing is imported unless asked for the good rows — and there are some.
    if bad_rows and (not partial or len(bad_rows) >= report.total):
        report.unchanged = 0
        report.seconds = time.monotonic() - started
        return report
    # Inserting in key order appends to the unique ID-hash index instead of writing all over it.
    creates = sorted((p for p in creates if p.row not in bad_rows), key=lambda p: p.key)
    updates = [p for p in updates if p.row not in bad_rows]
    if progress:
        progress(report.total, report.total, "committing")
    with transaction.atomic():
        kind.commit(
            creates=creates, updates=updates, batch_size=batch_size, after_batch=after_batch
        )
        report.created = len(creates)
        report.updated = len(updates)
        audit_record(
            actor=user,
            action=f"{kind.name}.import",
            object_type=kind.object_type,
            area_code=_common_prefix([p.data.area.code for p in creates + updates]),
            detail={
                "file": filename or Path(path).name,
                "rows": report.total,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "error_rows": report.error_rows,
                "partial": partial,
            },
        )
    lap("commit")
    report.committed = True
    report.seconds = time.monotonic() - started
    return report


def _validate_rows(kind, rows, mapping, context, prefixes, fail, progress) -> list[Prepared]:
    """Convert and validate every row; the good ones, each with its key."""
    total = len(rows)
    prepared: list[Prepared] = []
    # (index, key, converter, header, text): for text-like columns a short string cell is
    # simply stripped here, without a call per cell (this loop runs once per row).
    converters = [
        (i, c.key, c.convert, c.header, c.convert in TEXT_CONVERTERS) for i, c in mapping.items()
    ]
    allowed: dict[str, bool] = {}  # area code → in the user's write scope
    for done, (row_number, cells) in enumerate(rows, start=1):
        values: dict[str, Any] = {}
        ok = True
        for index, key, convert, header, text in converters:
            value = cells[index]
            if text and type(value) is str and len(value) <= MAX_CELL_CHARS:
                values[key] = value.strip()
                continue
            try:
                values[key] = convert(value)
            except CellError as exc:
                fail(row_number, header, str(exc))
                ok = False
        if ok:
            item = _prepare(kind, row_number, values, context, mapping, prefixes, allowed, fail)
            if item is not None:
                prepared.append(item)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total, "validating")
    return prepared


def _prepare(kind, row_number, values, context, mapping, prefixes, allowed, fail):
    """One converted row as validated data in the user's write scope, or None (and errors)."""
    try:
        data = kind.build(values, context)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                fail(row_number, kind.header_for(key, mapping), message)
        return None
    area_code = data.area.code
    if area_code not in allowed:
        allowed[area_code] = in_scope(area_code, prefixes)
    if not allowed[area_code]:
        fail(
            row_number,
            kind.header_for("area", mapping),
            _("This row's area (%(area)s) is outside the areas where you may edit the registry.")
            % {"area": data.area.name},
        )
        return None
    return Prepared(row_number, data, kind.key(data))


def _match(kind, prepared, mapping, prefixes, fail) -> tuple[list, list, int]:
    """(creates, updates, unchanged): duplicates in the file and refused matches are errors."""
    id_header = kind.header_for(kind.key_field, mapping)
    first_row: dict[str, int] = {}
    duplicated: set[int] = set()
    for item in prepared:
        if item.key in first_row:
            other = first_row[item.key]
            fail(item.row, id_header, _("The same ID number is also on row %(n)d.") % {"n": other})
            fail(other, id_header, _("The same ID number is also on row %(n)d.") % {"n": item.row})
            duplicated.update((item.row, other))
        else:
            first_row[item.key] = item.row
    prepared = [p for p in prepared if p.row not in duplicated]

    existing = kind.existing([p.key for p in prepared])
    conflicts = kind.conflicts([p.key for p in prepared])
    creates: list[Prepared] = []
    updates: list[Prepared] = []
    unchanged = 0
    for item in prepared:
        if item.key in conflicts:
            fail(item.row, id_header, conflicts[item.key])
            continue
        record = existing.get(item.key)
        if record is None:
            creates.append(item)
            continue
        problem = kind.match_problem(record, item.data, prefixes)
        if problem:
            fail(item.row, id_header, problem)
            continue
        item.existing = record
        if kind.changed(record, item.data):
            updates.append(item)
        else:
            unchanged += 1
    return creates, updates, unchanged


class _Lap:
    def __init__(self, report: ImportReport, started: float):
        self.report = report
        self.last = started

    def __call__(self, name: str) -> None:
        now = time.monotonic()
        self.report.timings[name] = round(now - self.last, 3)
        self.last = now


def _common_prefix(codes: list[str]) -> str:
    if not codes:
        return ""
    low, high = min(codes), max(codes)
    size = 0
    while size < len(low) and size < len(high) and low[size] == high[size]:
        size += 1
    return low[:size]
