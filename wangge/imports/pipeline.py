"""The registry import pipeline: parse → validate every row → match → commit in one transaction.

Each row goes through the same domain validators as the forms (``member_validate``,
``household_validate``). Errors are collected per row with the row number and column header the
user sees in Excel. By default one bad row means nothing is imported; ``partial=True`` imports the
good rows. A row of an export carries its record's system number (系统编号) and is matched to that
record; its masked ID number and phone stand for the stored values when they fit their masks.
Other rows are matched to existing records by the keyed hash of the ID number. Identical rows are
left alone (nothing is written for them), changed rows update the record. The commit is one
transaction of bulk writes, so an interrupted import leaves nothing behind.
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
    cell_record_id,
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
    record: Any = None  # the record named by the row's system number


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
    claim: Callable[[], None] | None = None,
    settle: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import one file; return what happened. Nothing is written unless ``report.committed``.

    ``claim`` runs first inside the commit's transaction (a job locks its row and refuses to
    commit twice by raising), ``settle`` last inside it (the job records that it committed):
    the rows and the job's state are written together or not at all."""
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

    records = _records(kind, table.rows, mapping, prefixes)
    prepared = _validate_rows(kind, table.rows, mapping, context, prefixes, fail, progress, records)
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
        if claim:
            claim()
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
        report.committed = True
        if settle:
            settle(report)
    lap("commit")
    report.seconds = time.monotonic() - started
    return report


def _records(kind, rows, mapping, prefixes) -> dict[int, Any]:
    """The records the file's system numbers name (only those the user may edit)."""
    index = next((i for i, c in mapping.items() if c.key == "record_id"), None)
    if index is None:
        return {}
    pks = set()
    for _row, cells in rows:
        try:
            pk = cell_record_id(cells[index])
        except CellError:
            continue
        if pk is not None:
            pks.add(pk)
    return kind.records(sorted(pks), prefixes) if pks else {}


def _link(kind, row_number, values, records, mapping, fail) -> tuple[bool, Any]:
    """(ok, record): the record the row's system number names, its masked cells unmasked."""
    pk = values.pop("record_id", None)
    record = None
    if pk is not None:
        record = records.get(pk)
        if record is None:
            fail(
                row_number,
                kind.header_for("record_id", mapping),
                _(
                    "No record in the areas where you may edit the registry has the system "
                    "number %(n)d. Keep the number the export wrote, or leave the cell empty to "
                    "add the row as a new record."
                )
                % {"n": pk},
            )
            return False, None
    problems = kind.unmask(values, record)
    for key, message in problems.items():
        fail(row_number, kind.header_for(key, mapping), message)
    return not problems, record


def _validate_rows(
    kind, rows, mapping, context, prefixes, fail, progress, records
) -> list[Prepared]:
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
            ok, record = _link(kind, row_number, values, records, mapping, fail)
        if ok:
            item = _prepare(kind, row_number, values, context, mapping, prefixes, allowed, fail)
            if item is not None:
                item.record = record
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


def _duplicates(prepared, value, header: str, message: str, fail) -> set[int]:
    """Rows whose ``value(item)`` (when not None) is also on another row, reported on both."""
    first_row: dict[Any, int] = {}
    duplicated: set[int] = set()
    for item in prepared:
        found = value(item)
        if found is None:
            continue
        if found in first_row:
            other = first_row[found]
            fail(item.row, header, message % {"n": other})
            fail(other, header, message % {"n": item.row})
            duplicated.update((item.row, other))
        else:
            first_row[found] = item.row
    return duplicated


def _match(kind, prepared, mapping, prefixes, fail) -> tuple[list, list, int]:
    """(creates, updates, unchanged): duplicates in the file and refused matches are errors."""
    id_header = kind.header_for(kind.key_field, mapping)
    duplicated = _duplicates(
        prepared, lambda p: p.key, id_header, _("The same ID number is also on row %(n)d."), fail
    )
    duplicated |= _duplicates(
        prepared,
        lambda p: None if p.record is None else p.record.pk,
        kind.header_for("record_id", mapping),
        _("The same system number is also on row %(n)d."),
        fail,
    )
    prepared = [p for p in prepared if p.row not in duplicated]

    # A row matched by its system number with its own ID number needs no look-up by ID.
    keys = [
        p.key for p in prepared if p.record is None or getattr(p.record, kind.key_attr) != p.key
    ]
    existing = kind.existing(keys)
    conflicts = kind.conflicts(keys)
    creates: list[Prepared] = []
    updates: list[Prepared] = []
    unchanged = 0
    for item in prepared:
        if item.key in conflicts:
            fail(item.row, id_header, conflicts[item.key])
            continue
        record, problem = _matched(kind, item, existing, prefixes)
        if problem:
            fail(item.row, id_header, problem)
            continue
        if record is None:
            creates.append(item)
            continue
        item.existing = record
        if kind.changed(record, item.data):
            updates.append(item)
        else:
            unchanged += 1
    return creates, updates, unchanged


def _matched(kind, item: Prepared, existing: dict, prefixes: list[str]) -> tuple[Any, str]:
    """(the record the row updates or None for a new one, why it may not be imported)."""
    by_id = existing.get(item.key)
    if item.record is not None:
        # Matched by system number (in the user's areas, checked on look-up): the row may
        # correct the name or, with a full number, the ID number — but not take another's.
        if by_id is not None and by_id.pk != item.record.pk:
            return None, _(
                "This ID number already belongs to another record (system number %(n)d). "
                "Check the number."
            ) % {"n": by_id.pk}
        return item.record, ""
    if by_id is None:
        return None, ""
    return by_id, kind.match_problem(by_id, item.data, prefixes)


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
