"""Loading administrative divisions from a CSV file (``code,name,level,parent_code``, and
optionally ``area_km2``: the land area in km², which a township's overview shows; an empty cell
or a file without the column leaves the area as it is).

The national table has about 700,000 rows, so the import is built for volume: the file is read
once as a stream, each row checked in Python against sets and dicts while it is copied into a
temporary table (COPY on PostgreSQL, batched ``executemany`` on SQLite); when the whole file is
valid, ``INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE changed`` moves it into the table,
level by level. One transaction: a file with any bad row writes nothing, and a re-import changes
nothing.
"""

import csv
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.regions.models import LEVEL_CODE_LENGTH, LEVEL_ORDER, Region

HEADER = ["code", "name", "level", "parent_code"]
AREA = "area_km2"
AREA_MAX = Decimal("9999999.99")  # Region.area_km2: 9 digits, 2 of them decimals
NAME_MAX_LENGTH = Region._meta.get_field("name").max_length
MAX_REPORTED_ERRORS = 50
BATCH_SIZE = 50_000
STAGING_TABLE = "wangge_region_import"
SQLITE_CACHE_KIB = 256 * 1024
# Interned level names: 700,000 rows share seven strings instead of holding a copy each.
_LEVELS = {level: level for level in LEVEL_CODE_LENGTH}


@dataclass(frozen=True)
class RowError:
    row: int  # line of the file, the header being row 1, as a spreadsheet counts
    code: str
    message: str

    def __str__(self) -> str:
        if self.code:
            return _("Row %(row)s (code %(code)s): %(message)s") % {
                "row": self.row,
                "code": self.code,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class RegionImportError(Exception):
    """The file cannot be imported; ``errors`` says which rows are wrong and why."""

    def __init__(self, errors: list[RowError | str], more: int = 0):
        self.errors = errors
        self.more = more  # errors found beyond those listed
        super().__init__("\n".join(self.messages()))

    def messages(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.more:
            lines.append(_("… and %(count)s more errors.") % {"count": self.more})
        return lines


@dataclass
class RegionImportResult:
    rows: int = 0
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    roots: int = 0  # rows without a parent: the file's top level
    in_file: Counter = field(default_factory=Counter)

    def by_level(self) -> list[tuple[str, int, int, int]]:
        """(level, created, updated, unchanged) for each level present, top level first."""
        levels = set(self.created) | set(self.updated) | set(self.unchanged)
        return [
            (level, self.created[level], self.updated[level], self.unchanged[level])
            for level in sorted(levels, key=LEVEL_ORDER.__getitem__)
        ]

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "roots": self.roots,
        }


class _Errors:
    """Collects row errors, keeping the first few in full and counting the rest."""

    def __init__(self) -> None:
        self.listed: list[RowError | str] = []
        self.more = 0

    def add(self, error: RowError | str) -> None:
        if len(self.listed) < MAX_REPORTED_ERRORS:
            self.listed.append(error)
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.listed:
            self.listed.sort(key=lambda error: getattr(error, "row", 0))
            raise RegionImportError(self.listed, self.more)


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) after checking the header; structural problems raise at once."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader, None)
            except csv.Error as exc:
                raise RegionImportError(
                    [_("The file is not a readable CSV file: %s") % exc]
                ) from exc
            if header is None or not any(cell.strip() for cell in header):
                raise RegionImportError([_("The file is empty.")])
            if [cell.strip().lower() for cell in header] not in (HEADER, [*HEADER, AREA]):
                raise RegionImportError(
                    [
                        _("The first row must be the header %(expected)s; found %(found)s.")
                        % {
                            "expected": ",".join(HEADER) + "[,area_km2]",
                            "found": ",".join(header)[:200],
                        }
                    ]
                )
            row_no = 1
            try:
                for cells in reader:
                    row_no += 1
                    yield row_no, cells
            except csv.Error as exc:
                raise RegionImportError(
                    [RowError(row_no + 1, "", _("The row is not valid CSV: %s") % exc)]
                ) from exc
    except UnicodeDecodeError as exc:
        raise RegionImportError(
            [_("The file is not UTF-8 text. Save it as CSV UTF-8 and import it again.")]
        ) from exc
    except OSError as exc:
        raise RegionImportError([_("The file cannot be read: %s") % exc.strerror]) from exc


def _has_area(path: Path) -> bool:
    """Whether the file has the optional ``area_km2`` column (a file that cannot be read says
    why when ``_records`` reads it)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return [cell.strip().lower() for cell in header] == [*HEADER, AREA]


def _area(cell: str) -> Decimal | None:
    """The area in a cell (None when empty); ValueError when it is not an area."""
    cell = cell.strip()
    if not cell:
        return None
    try:
        value = Decimal(cell)
    except InvalidOperation:
        raise ValueError(cell) from None
    if not value.is_finite() or value < 0 or value > AREA_MAX or value != round(value, 2):
        raise ValueError(cell)
    return value


def _normalise(cells: list[str], width: int = 4) -> tuple[str, str, str, str] | None:
    if len(cells) != width:
        return None
    code, name, level, parent = cells[:4]
    return code.strip(), name.strip(), level.strip().lower(), parent.strip()


def _check_row(row_no: int, cells: list[str], errors: _Errors, width: int = 4):
    """Validate one row on its own; return (code, name, level, parent, area), or None if it is
    wrong."""
    values = _normalise(cells, width)
    if values is None:
        if not any(cell.strip() for cell in cells):
            return None  # blank line: ignored
        message = (
            _("expected 5 columns (code, name, level, parent_code, area_km2), found %(count)s.")
            if width == 5
            else _("expected 4 columns (code, name, level, parent_code), found %(count)s.")
        )
        errors.add(
            RowError(row_no, cells[0].strip() if cells else "", message % {"count": len(cells)})
        )
        return None
    code, name, level, parent = values
    if not any(cell.strip() for cell in cells):
        return None
    problems = []
    area = None
    if width == 5:
        try:
            area = _area(cells[4])
        except ValueError:
            problems.append(_("the area must be a number of km² with at most two decimals."))
    length = LEVEL_CODE_LENGTH.get(level)
    if length is None:
        problems.append(
            _("the level %(level)s is not one of %(levels)s.")
            % {"level": repr(level), "levels": ", ".join(LEVEL_CODE_LENGTH)}
        )
    if not (code.isascii() and code.isdigit()):
        problems.append(_("the code must be digits only."))
    elif length is not None and len(code) != length:
        problems.append(
            _("a %(level)s code has %(length)s digits, this one has %(actual)s.")
            % {"level": level, "length": length, "actual": len(code)}
        )
    if not name:
        problems.append(_("the name is empty."))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(_("the name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH})
    if parent and not (parent.isascii() and parent.isdigit()):
        problems.append(_("the parent code must be digits only."))
    elif parent and not (len(parent) < len(code) and code.startswith(parent)):
        problems.append(
            _("the code does not start with its parent code %(parent)s.") % {"parent": parent}
        )
    if problems:
        errors.add(RowError(row_no, code, " ".join(problems)))
        return None
    return code, name, _LEVELS[level], parent, area


def _load(path: Path, put, width: int = 4) -> "_Scan":
    """Check every row on its own and against the others, handing each good one to ``put``."""
    errors = _Errors()
    codes: set[str] = set()
    duplicates: set[str] = set()
    deepest_child: dict[str, int] = {}  # parent code -> deepest level of a row naming it
    top_depth = len(LEVEL_ORDER)
    rows = 0
    length_of, depth_of, interned = LEVEL_CODE_LENGTH, LEVEL_ORDER, _LEVELS
    for row_no, cells in _records(path):
        # The fast path takes a well-formed row as it is; anything else goes through
        # _check_row, which normalises it or says what is wrong.
        area = None
        if len(cells) == 4 == width:
            code, name, level, parent = cells
            name = name.strip()
            length = length_of.get(level)
            ok = (
                length == len(code)
                and code.isdigit()
                and code.isascii()
                and 0 < len(name) <= NAME_MAX_LENGTH
                and (not parent or (len(parent) < length and code.startswith(parent)))
            )
        else:
            ok = False
        if ok:
            level = interned[level]
        else:
            checked = _check_row(row_no, cells, errors, width)
            if checked is None:
                continue
            code, name, level, parent, area = checked
        rows += 1
        if code in codes:
            duplicates.add(code)
            continue
        codes.add(code)
        depth = depth_of[level]
        if depth < top_depth:
            top_depth = depth
        if deepest_child.get(parent, -1) < depth:
            deepest_child[parent] = depth
        put((code, name, level, parent or None, area))
    if rows == 0 and not errors.listed:
        raise RegionImportError([_("The file has a header but no rows to import.")])

    outside = [parent for parent in deepest_child if parent not in codes]
    return _Scan(errors, duplicates, {p: deepest_child[p] for p in outside}, top_depth)


@dataclass
class _Scan:
    """What the streaming pass leaves for the checks that need the database."""

    errors: _Errors
    duplicates: set[str]
    outside: dict[str, int]  # parent codes not in the file -> deepest level naming them
    top_depth: int


def _resolve(path: Path, scan: _Scan, width: int = 4) -> set[str]:
    """Find parents outside the file in the database; return the parents to leave empty.

    Raises RegionImportError if any row is wrong. Runs after the COPY: PostgreSQL cannot take
    another query on the connection in the middle of one.
    """
    in_database = _existing_codes([parent for parent in scan.outside if parent])
    roots_of: set[str] = set()
    orphaned: set[str] = set()
    for parent, deepest in scan.outside.items():
        if parent in in_database:
            continue
        if deepest == scan.top_depth:
            # The file's top level hangs below units it does not contain (the county of a
            # county file, under a city): those rows become roots.
            roots_of.add(parent)
        else:
            orphaned.add(parent)
    if scan.duplicates or orphaned:
        _locate(path, scan.duplicates, orphaned, scan.top_depth, scan.errors, width)
    scan.errors.raise_if_any()
    roots_of.discard("")
    return roots_of


def _locate(
    path: Path,
    duplicates: set[str],
    orphaned: set[str],
    top_depth: int,
    errors: _Errors,
    width: int = 4,
) -> None:
    """Error pass, only when needed: name the rows with a repeated code or a missing parent."""
    first_row: dict[str, int] = {}
    for row_no, cells in _records(path):
        values = _normalise(cells, width)
        if values is None:
            continue
        code, _name, level, parent = values
        if code in duplicates:
            if code in first_row:
                errors.add(
                    RowError(
                        row_no,
                        code,
                        _("the code is already on row %(first)s.") % {"first": first_row[code]},
                    )
                )
            else:
                first_row[code] = row_no
        if parent in orphaned and LEVEL_ORDER.get(level, top_depth) > top_depth:
            if parent:
                message = _("its parent %(parent)s is neither in the file nor in the database.") % {
                    "parent": parent
                }
            else:
                message = _("the parent code is empty, but only the file's top level may omit it.")
            errors.add(RowError(row_no, code, message))


def _existing_codes(codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(Region.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


@contextmanager
def _staging(cursor):
    """A temporary table and a function that adds a row to it: COPY on PostgreSQL, batched
    inserts on SQLite."""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGING_TABLE} "
        "(code varchar(18) NOT NULL, name varchar(100) NOT NULL, "
        "level varchar(10) NOT NULL, parent_id varchar(18) NULL, area_km2 numeric(9, 2) NULL)"
    )
    if connection.vendor == "postgresql":
        columns = "(code, name, level, parent_id, area_km2)"
        with cursor.copy(f"COPY {STAGING_TABLE} {columns} FROM STDIN") as copy:
            yield copy.write_row
        cursor.execute(f"ANALYZE {STAGING_TABLE}")
        return
    sql = f"INSERT INTO {STAGING_TABLE} VALUES (%s, %s, %s, %s, %s)"
    batch: list[tuple] = []

    def put(row: tuple) -> None:
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            cursor.executemany(sql, batch)
            batch.clear()

    yield put
    if batch:
        cursor.executemany(sql, batch)


def _count_by_level(cursor) -> Counter:
    cursor.execute(f"SELECT level, COUNT(*) FROM {Region._meta.db_table} GROUP BY level")
    return Counter(dict(cursor.fetchall()))


def _merge(cursor, result: "RegionImportResult") -> None:
    """Upsert, changing only rows that differ, and count what was created and updated. An
    area not given (no column, an empty cell) leaves the area as it is."""
    table = Region._meta.db_table
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    # In code order the primary key and the indexes grow at their ends instead of taking
    # 700,000 random insertions. SQLite goes level by level and counts from the table's growth;
    # "WHERE level = ..." also ends the SELECT for its parser.
    sql = (
        f"INSERT INTO {table} (code, name, level, parent_id, area_km2) "
        f"SELECT code, name, level, parent_id, area_km2 FROM {STAGING_TABLE} WHERE level = %s "
        "ORDER BY code "
        "ON CONFLICT (code) DO UPDATE SET "
        "name = excluded.name, level = excluded.level, parent_id = excluded.parent_id, "
        f"area_km2 = COALESCE(excluded.area_km2, {table}.area_km2) "
        f"WHERE {table}.name <> excluded.name OR {table}.level <> excluded.level "
        f"OR {table}.parent_id {distinct} excluded.parent_id "
        f"OR (excluded.area_km2 IS NOT NULL AND {table}.area_km2 {distinct} excluded.area_km2)"
    )
    if connection.vendor == "postgresql":
        # One statement; a row's xmax is 0 when this statement inserted it, not updated it.
        cursor.execute(
            f"WITH written AS ({sql.replace('WHERE level = %s ', '')} "
            f"RETURNING {table}.level, ({table}.xmax = 0) AS created) "
            "SELECT level, created, COUNT(*) FROM written GROUP BY level, created"
        )
        for level, created, count in cursor.fetchall():
            (result.created if created else result.updated)[level] = count
    else:
        before = _count_by_level(cursor)
        changed: Counter = Counter()
        for level in sorted(result.in_file, key=LEVEL_ORDER.__getitem__):
            cursor.execute(sql, [level])
            changed[level] = cursor.rowcount  # inserted or updated; unchanged rows not counted
        after = _count_by_level(cursor)
        for level in changed:
            result.created[level] = after[level] - before[level]
            result.updated[level] = changed[level] - result.created[level]
    cursor.execute(f"DROP TABLE {STAGING_TABLE}")


@contextmanager
def _large_cache(cursor):
    """On SQLite, let a big import keep its pages in memory (the default cache is 2 MB)."""
    if connection.vendor != "sqlite":
        yield
        return
    defaults = {}
    for schema in ("main", "temp"):
        cursor.execute(f"PRAGMA {schema}.cache_size")
        defaults[schema] = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA {schema}.cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        for schema, size in defaults.items():
            cursor.execute(f"PRAGMA {schema}.cache_size = {size}")


def regions_import(*, actor=None, path: str | os.PathLike) -> RegionImportResult:
    """Import a division table; raise RegionImportError (and write nothing) if any row is wrong."""
    path = Path(path)
    result = RegionImportResult()
    with transaction.atomic(), connection.cursor() as cursor, _large_cache(cursor):
        width = len(HEADER) + 1 if _has_area(path) else len(HEADER)
        with _staging(cursor) as put:
            scan = _load(path, put, width)
        roots_of = _resolve(path, scan, width)
        roots_of = sorted(roots_of)
        for start in range(0, len(roots_of), 500):
            chunk = roots_of[start : start + 500]
            cursor.execute(
                f"UPDATE {STAGING_TABLE} SET parent_id = NULL "
                f"WHERE parent_id IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
        cursor.execute(
            f"SELECT level, COUNT(*), SUM(CASE WHEN parent_id IS NULL THEN 1 ELSE 0 END) "
            f"FROM {STAGING_TABLE} GROUP BY level"
        )
        for level, count, roots in cursor.fetchall():
            result.in_file[level] = count
            result.roots += int(roots)
        result.rows = result.in_file.total()
        _merge(cursor, result)
        for level, count in result.in_file.items():
            result.unchanged[level] = count - result.created[level] - result.updated[level]
        audit_record(
            actor=actor,
            action="regions.import",
            object_type=Region._meta.label_lower,
            detail={"file": path.name, **result.as_dict()},
        )
    return result
