"""Backup and restore of the whole database: ``wangge backup FILE`` / ``wangge restore FILE``.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL: pg_dump's
custom format and pg_restore, from the machine's client binaries. The data key (and the audit
key) are never in the backup: they live in the environment, and a restore says so.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

KEY_NOTICE = (
    "The data key is NOT in the backup. Run the restored database with the same "
    "WANGGE_DATA_KEY (and WANGGE_AUDIT_KEY, if set) it was written with: without it the ID "
    "numbers and other encrypted fields cannot be read and the audit chain does not verify."
)
# A freshly migrated database holds rows only in these; any other row means "not empty".
_BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "django_site"}


class BackupError(Exception):
    pass


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client (apt-get install "
            f"postgresql-client) in the server's version."
        )
    return path


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{args[0]} failed ({result.returncode})")


def backup(db: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if db["ENGINE"].endswith("sqlite3"):
        source = sqlite3.connect(str(db["NAME"]), uri=str(db["NAME"]).startswith("file:"))
        target = sqlite3.connect(str(path))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif db["ENGINE"].endswith("postgresql"):
        args = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        _run([*args, f"--file={path}", db["NAME"]], _pg_env(db))
    else:
        raise BackupError(f"Backups of {db['ENGINE']} are not supported.")


def _tables_with_rows(cursor, tables: list[str], quote) -> list[str]:
    full = []
    for table in tables:
        if table in _BOOKKEEPING:
            continue
        cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
        if cursor.fetchone():
            full.append(table)
    return full


def non_empty_tables(db: dict) -> list[str]:
    """Tables that hold data (not just migration bookkeeping) in the target database."""
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if not name.startswith("file:") and not Path(name).exists():
            return []
        conn = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            cur = conn.cursor()
            cur.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
            tables = [row[0] for row in cur.fetchall()]
            return _tables_with_rows(cur, tables, lambda t: f'"{t}"')
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(dbname=db["NAME"], **_pg_kwargs(db)) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cur.fetchall()]
        return _tables_with_rows(cur, tables, lambda t: f'"{t}"')


def _pg_kwargs(db: dict) -> dict:
    return {k.lower(): v for k, v in db.items() if k in {"HOST", "PORT", "USER", "PASSWORD"} and v}


def restore(db: dict, path: Path, *, force: bool = False) -> None:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    full = non_empty_tables(db)
    if full and not force:
        raise BackupError(
            f"The database {db['NAME']} is not empty ({len(full)} tables hold data, e.g. "
            f"{full[0]}). Restore into an empty database, or add --force to replace its contents."
        )
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        source = sqlite3.connect(str(path))
        target = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif db["ENGINE"].endswith("postgresql"):
        args = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        if force:
            args += ["--clean", "--if-exists"]
        _run([*args, f"--dbname={db['NAME']}", str(path)], _pg_env(db))
    else:
        raise BackupError(f"Restores into {db['ENGINE']} are not supported.")
