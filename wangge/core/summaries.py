"""Summary columns kept exact by the database, in the transaction that writes the record.

A dashboard that counts tens of thousands of rows with a test per row (is this household paired,
when is its next visit due, was this request accepted in time) answers from a summary instead:
a column per test, worked out when a record it depends on is written. The database does the
work, with triggers: whatever writes the record — a form, the API, an import, a bulk loader, the
admin, a cascade, plain SQL — the summary is brought up to date by the same statement, so it is
never behind and never needs a rebuild (see "Summaries" in docs/decisions.md).

A ``Summary`` is a refresh (statements that recompute the summary of some keys from the
record, written with ``{keys}`` where the keys go: ``… WHERE household_id IN ({keys})``) and the
tables it depends on (``Source``: which keys a written row touches, and which of its columns
matter when it is updated). ``install`` creates the triggers for the connection's database:

* PostgreSQL: per source table, a trigger function; rows inserted or deleted are handled once
  per statement (the statement's transition table), so a bulk load refreshes each key once;
  updates of the listed columns row by row (PostgreSQL has no transition tables for a trigger
  on some columns only).
* SQLite: a trigger per source table and operation, row by row.

The refresh never writes a column a source watches, so a summary kept in its own source table
(a request's timeline) does not fire itself.

An app ``register``s its summaries; a migrate that applies migrations runs without their
triggers (``lift``, core's ``pre_migrate``: they would stop a migration altering a column they
read), and after every migrate ``ensure`` (core's ``post_migrate``) checks them against the
code and puts back any missing or changed, then refreshes the summary.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

# The rows a trigger was fired for, as a table the key query can read.
ROWS = "{rows}"
# PostgreSQL's longest name; a longer one is cut there.
NAME_LENGTH = 63


@dataclass(frozen=True)
class Source:
    """A table the summary depends on. ``keys`` selects the summary keys that rows of it touch,
    reading them from ``{rows}`` (the inserted, deleted or updated rows), e.g. ``"SELECT
    household_id FROM {rows}"``; ``columns`` are the columns ``keys`` reads and ``update_of``
    those whose change matters (none: updates never do)."""

    table: str
    keys: str
    columns: tuple[str, ...]
    update_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    """``name`` names the triggers; ``refresh(vendor)`` gives the statements, with ``{keys}``.

    ``lock`` names rows to lock before the refresh on PostgreSQL (``"table WHERE … IN ({keys})
    ORDER BY …"``, one row per key, in a fixed order so two writers never wait on each other
    in a circle). Without it two transactions writing records of the same key at once could
    each refresh from a snapshot without the other's record, and the later commit would leave
    the summary without the earlier one's. With it the second waits for the first to commit,
    and its refresh — a new statement, hence a new snapshot — sees both. Lock the rows the
    services lock themselves (a household, a request) rather than the summary's: a writer
    holding a summary's row while its foreign key check waits at commit for the parent row
    another service locked first would deadlock with it. SQLite runs one writer at a time."""

    name: str
    refresh: Callable[[str], list[str]]
    sources: list[Source] = field(default_factory=list)
    lock: str = ""

    def statements(self, vendor: str, keys: str, *, in_function: bool = False) -> list[str]:
        out = [sql.replace("{keys}", keys) for sql in self.refresh(vendor)]
        if self.lock and vendor == "postgresql":
            verb = "PERFORM" if in_function else "SELECT"
            # NO KEY UPDATE: other writers' foreign key checks on the rows (KEY SHARE) go on.
            out.insert(0, f"{verb} 1 FROM {self.lock.replace('{keys}', keys)} FOR NO KEY UPDATE")
        return out


def _row(prefix: str, columns: tuple[str, ...]) -> str:
    return "SELECT " + ", ".join(f'{prefix}."{c}" AS "{c}"' for c in columns)


def _row_keys(source: Source, prefixes: tuple[str, ...]) -> str:
    """The keys of a row-by-row trigger: the key query over the row (NEW and/or OLD)."""
    rows = " UNION ALL ".join(_row(p, source.columns) for p in prefixes)
    return source.keys.replace(ROWS, f"({rows}) AS changed")


def _trigger(summary: Summary, source: Source, what: str) -> str:
    name = f"summary_{summary.name}_{source.table}_{what}"
    if len(name) <= NAME_LENGTH:
        return name
    # Shortened in the middle, not at the end: the ending tells the triggers and the function
    # of one source apart (cut at the end, they would all get the same name).
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: NAME_LENGTH - len(what) - 10]}_{digest}_{what}"


def sqlite_up(summary: Summary) -> list[str]:
    out = []
    for source in summary.sources:
        operations = [("ins", "INSERT", ("NEW",)), ("del", "DELETE", ("OLD",))]
        if source.update_of:
            columns = ", ".join(f'"{c}"' for c in source.update_of)
            operations.append(("upd", f"UPDATE OF {columns}", ("OLD", "NEW")))
        for what, event, prefixes in operations:
            body = "; ".join(summary.statements("sqlite", _row_keys(source, prefixes)))
            out.append(
                f'CREATE TRIGGER "{_trigger(summary, source, what)}" AFTER {event} '
                f'ON "{source.table}" FOR EACH ROW BEGIN {body}; END'
            )
    return out


def postgres_up(summary: Summary) -> list[str]:
    out = []
    for source in summary.sources:
        function = _trigger(summary, source, "fn")

        def body(keys: str) -> str:
            statements = summary.statements("postgresql", keys, in_function=True)
            return "\n".join(f"{sql};" for sql in statements)

        new_keys = source.keys.replace(ROWS, "new_rows")
        old_keys = source.keys.replace(ROWS, "old_rows")
        changed = _row_keys(source, ("OLD", "NEW"))
        out.append(
            f'CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger LANGUAGE plpgsql AS $$\n'
            "BEGIN\n"
            "IF TG_LEVEL = 'ROW' THEN\n"
            f"{body(changed)}\n"
            "ELSIF TG_OP = 'INSERT' THEN\n"
            f"{body(new_keys)}\n"
            "ELSE\n"
            f"{body(old_keys)}\n"
            "END IF;\n"
            "RETURN NULL;\n"
            "END $$"
        )
        out.append(
            f'CREATE TRIGGER "{_trigger(summary, source, "ins")}" AFTER INSERT ON "{source.table}" '
            f'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()'
        )
        out.append(
            f'CREATE TRIGGER "{_trigger(summary, source, "del")}" AFTER DELETE ON "{source.table}" '
            f'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()'
        )
        if source.update_of:
            columns = ", ".join(f'"{c}"' for c in source.update_of)
            out.append(
                f'CREATE TRIGGER "{_trigger(summary, source, "upd")}" AFTER UPDATE OF {columns} '
                f'ON "{source.table}" FOR EACH ROW EXECUTE FUNCTION "{function}"()'
            )
    # Each function carries a fingerprint of the whole definition (``current``).
    for source in summary.sources:
        function = _trigger(summary, source, "fn")
        out.append(f"COMMENT ON FUNCTION \"{function}\"() IS '{_mark(out)}'")
    return out


def _mark(statements: list[str]) -> str:
    created = [sql for sql in statements if not sql.startswith("COMMENT")]
    return hashlib.sha256("\n".join(created).encode()).hexdigest()[:16]


_UP = {"sqlite": sqlite_up, "postgresql": postgres_up}


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# Databases (aliases) in a ``migrate`` that applies migrations: their summaries have no triggers
# until it ends (``lift``, then ``ensure``).
_MIGRATING: set[str] = set()


def install(connection, summary: Summary) -> None:
    """Create the summary's triggers (replacing any of the same name); during a ``migrate``
    nothing: ``ensure`` creates them when it ends (``lift``)."""
    if connection.alias in _MIGRATING:
        return
    uninstall(connection, summary)
    _execute(connection, _UP[connection.vendor](summary))


def _prefix(summary: Summary) -> str:
    return f"summary_{summary.name}_"


def installed(connection, summary: Summary) -> list[tuple[str, str]]:
    """The summary's triggers in the database, (name, table), whatever definition made them."""
    prefix = _prefix(summary)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        return [(name, table) for name, table in cursor.fetchall() if name.startswith(prefix)]


def uninstall_statements(connection, summary: Summary, table: str | None = None) -> list[str]:
    """The statements that drop the summary's triggers in the database (only those on
    ``table``, if given) — those of an earlier definition too (a source since removed) — and,
    on PostgreSQL, their functions when no table is given."""
    found = [(n, t) for n, t in installed(connection, summary) if table in (None, t)]
    if connection.vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{name}"' for name, _table in found]
    out = [f'DROP TRIGGER IF EXISTS "{name}" ON "{on}"' for name, on in found]
    if table is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT proname FROM pg_proc WHERE starts_with(proname, %s)", [_prefix(summary)]
            )
            out += [f'DROP FUNCTION IF EXISTS "{name}"()' for (name,) in cursor.fetchall()]
    return out


def uninstall(connection, summary: Summary) -> None:
    _execute(connection, uninstall_statements(connection, summary))


def current(connection, summary: Summary) -> bool:
    """Whether the database has the summary's triggers as the code defines them today: all
    there (a migrate lifts them, and a table rebuilt on SQLite loses its own) and unchanged."""
    expected = _UP[connection.vendor](summary)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            mine = f"summary_{summary.name}_"
            found = [sql for name, sql in cursor.fetchall() if name.startswith(mine)]
            return sorted(found) == sorted(expected)
        triggers = [sql for sql in expected if sql.startswith("CREATE TRIGGER")]
        functions = [_trigger(summary, source, "fn") for source in summary.sources]
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname = ANY(%s) AND obj_description(p.oid, 'pg_proc') = %s",
            [functions, _mark(expected)],
        )
        # All of them with today's definition, and no other (a source since removed).
        marked = cursor.fetchone()[0]
    return marked == len(triggers) == len(installed(connection, summary))


@dataclass(frozen=True)
class Registered:
    """A summary an app looks after: ``every_key`` selects all its keys, ``table`` holds it
    (its rows found by ``key``), ``migration`` (app label, name) adds it; ``label`` names it
    to operators."""

    summary: Summary
    every_key: str
    table: str
    key: str
    migration: tuple[str, str] | None = None
    label: str = ""


REGISTERED: dict[str, Registered] = {}


def register(
    summary: Summary,
    every_key: str,
    table: str,
    key: str,
    *,
    migration: tuple[str, str],
    label: str = "",
) -> None:
    """Make ``ensure`` and ``wangge summaries`` look after ``summary`` (an app's ``ready``);
    ``migration`` creates its table or columns."""
    # Triggers are found by their names' prefix: no name may begin another's.
    mine = _prefix(summary)
    clash = [
        name
        for name in REGISTERED
        if name != summary.name
        and (mine.startswith(f"summary_{name}_") or f"summary_{name}_".startswith(mine))
    ]
    if clash:
        raise ValueError(f"summary name {summary.name!r} clashes with {clash}")
    REGISTERED[summary.name] = Registered(summary, every_key, table, key, migration, label)


def lift(connection) -> None:
    """Before a ``migrate`` that applies migrations: drop every registered summary's triggers,
    and create none until it ends (``ensure`` puts them back and refreshes the summaries).

    A trigger names the tables the refresh reads, and its columns: on PostgreSQL a trigger
    ``UPDATE OF`` a column forbids changing its type or dropping it, and on SQLite the rename
    that ends a table's rebuild fails while another table's trigger names the table. Either
    way a migration altering a column a summary reads would fail; without the triggers it runs.
    """
    _MIGRATING.add(connection.alias)
    for entry in REGISTERED.values():
        uninstall(connection, entry.summary)


def ensure(connection) -> list[str]:
    """After a migrate: each registered summary whose triggers are missing or out of date gets
    them again and is refreshed whole (a write made while they were missing would otherwise be
    lost). Returns the names of those repaired; nothing happens when all are current."""
    _MIGRATING.discard(connection.alias)
    if connection.vendor not in _UP:
        return []
    # A summary whose migration is not applied (a migrate back before it) has no columns to
    # keep: putting its triggers back would fail, and every write with them.
    applied = MigrationRecorder(connection).applied_migrations()
    repaired = []
    for name, entry in REGISTERED.items():
        if entry.migration is not None and entry.migration not in applied:
            continue
        if current(connection, entry.summary):
            continue
        repair(connection, entry)
        repaired.append(name)
    return repaired


def repair(connection, entry: Registered) -> None:
    """Install the summary's triggers as the code defines them and refresh it whole."""
    with transaction.atomic(using=connection.alias):
        install(connection, entry.summary)
        refresh(connection, entry.summary, entry.every_key)
    _vacuum(connection, entry.table)


def _vacuum(connection, table: str) -> None:
    """After a whole refresh on PostgreSQL (kept or rolled back): every row has a new version,
    and until the table is vacuumed the counts' index-only scans visit the table for each (a
    county's township dashboard took 228 ms instead of 84). Not inside a transaction (a
    test's), where VACUUM cannot run; autovacuum gets there later."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')


def refresh(connection, summary: Summary, keys: str) -> None:
    """Recompute the summary of ``keys`` (SQL selecting them): a migration's backfill, or a
    check."""
    _execute(connection, summary.statements(connection.vendor, keys))


def stale_keys(connection, entry: Registered) -> list:
    """The keys whose rows a full refresh would change, add or remove: none while the triggers
    keep the summary exact. Worked out in the database (a copy of the table, the refresh, the
    rows that differ either way), then rolled back: changes nothing."""
    table, key = entry.table, entry.key
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE summary_before AS SELECT * FROM {table}")
        refresh(connection, entry.summary, entry.every_key)
        cursor.execute(
            f"SELECT {key} FROM (SELECT * FROM {table} EXCEPT SELECT * FROM summary_before) a "
            f"UNION SELECT {key} FROM (SELECT * FROM summary_before EXCEPT SELECT * FROM {table}) b"
        )
        keys = sorted(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True, using=connection.alias)
    # The refresh rolled back still left a dead version of every row.
    _vacuum(connection, table)
    return keys


def stale(summary: Summary, model, keys: str) -> list:
    """``stale_keys`` of ``summary`` kept in ``model``'s table, for the keys ``keys`` selects."""
    connection = connections[model.objects.db]
    entry = Registered(summary, keys, model._meta.db_table, model._meta.pk.column)
    return stale_keys(connection, entry)
