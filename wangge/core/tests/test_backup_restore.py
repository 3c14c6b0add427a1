"""Restore drill: backup → restore into an empty database → every table's row count and
checksum agree, and the audit chain verifies. Runs the real ``manage.py`` commands.

SQLite always; PostgreSQL too when the suite runs on it (with the machine's pg_dump/pg_restore).
"""

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA_KEY = "ZHJpbGwtZGF0YS1rZXktZm9yLXRoZS1yZXN0b3JlLXRlc3Q="
SEED = """
from wangge import testing
from wangge.audit.services import audit_anchor_write, audit_record
testing.build_regions()
testing.build_tags()
admin = testing.make_user("drill-admin", testing.Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
for seq in range(1, 6):
    testing.make_household(area_code=testing.VILLAGE_A + "001001", seq=seq, actor=admin)
audit_record(actor=admin, action="export", detail={"rows": 5, "note": "导出"})
audit_anchor_write()
"""


def _manage(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if ok:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def _env(tmp_path: Path, database_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WANGGE_", "DJANGO_", "PYTEST_")) and k != "PGDATABASE"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="wangge.settings",
        WANGGE_VAR_DIR=str(tmp_path / "var"),
        WANGGE_DATA_KEY=DATA_KEY,
        WANGGE_DATABASE_URL=database_url,
    )
    return env


def _fingerprint(rows_by_table: dict[str, list[tuple]]) -> dict[str, tuple[int, str]]:
    out = {}
    for table, rows in rows_by_table.items():
        digest = hashlib.sha256()
        for row in sorted(repr(r) for r in rows):
            digest.update(row.encode())
        out[table] = (len(rows), digest.hexdigest())
    return out


def _sqlite_tables(path) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(str(path), uri=str(path).startswith("file:"))
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return _fingerprint({n: conn.execute(f'SELECT * FROM "{n}"').fetchall() for n in names})
    finally:
        conn.close()


def _pg_tables(url_or_conn) -> dict[str, tuple[int, str]]:
    import psycopg

    conn = url_or_conn if not isinstance(url_or_conn, str) else psycopg.connect(url_or_conn)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        names = [r[0] for r in cur.fetchall()]
        rows = {}
        for name in names:
            cur.execute(f'SELECT * FROM "{name}"')
            rows[name] = cur.fetchall()
        return _fingerprint(rows)


def _drill(tmp_path, source_url, target_url, fingerprint):
    source_env, target_env = _env(tmp_path, source_url), _env(tmp_path, target_url)
    _manage(source_env, "migrate", "-v", "0")
    _manage(source_env, "shell", "-c", SEED)
    backup_file = tmp_path / "wangge.backup"
    out = _manage(source_env, "backup", str(backup_file)).stdout
    assert "data key is NOT in the backup" in out
    assert DATA_KEY not in backup_file.read_bytes().decode("latin-1")

    restored = _manage(target_env, "restore", str(backup_file))
    assert "data key is NOT in the backup" in restored.stdout
    assert "audit chain is intact" in restored.stdout
    before, after = fingerprint(source_url), fingerprint(target_url)
    assert before["households_household"][0] == 5
    assert after == before
    _manage(target_env, "audit", "verify")

    again = _manage(target_env, "restore", str(backup_file), ok=False)
    assert again.returncode != 0 and "not empty" in again.stderr
    _manage(target_env, "restore", str(backup_file), "--force")
    assert fingerprint(target_url) == before

    wrong_key = {**target_env, "WANGGE_DATA_KEY": "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktISE="}
    refused = _manage(wrong_key, "audit", "verify", ok=False)
    assert refused.returncode != 0 and "broken at event" in refused.stderr


@pytest.fixture
def empty_target(tmp_path):
    """An empty database beside the test database, of the same kind; dropped afterwards."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(tmp_path / "target.sqlite3")
        yield {"ENGINE": db["ENGINE"], "NAME": name}, lambda: _sqlite_tables(name)
        return
    import psycopg

    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("PostgreSQL client binaries (pg_dump, pg_restore) are not installed")
    kwargs = {
        k.lower(): v for k, v in db.items() if k in {"HOST", "PORT", "USER", "PASSWORD"} and v
    }
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    target = {**db, "NAME": name}
    try:
        yield target, lambda: _pg_tables(psycopg.connect(dbname=name, **kwargs))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _test_db_tables():
    from django.db import connection

    if connection.vendor == "sqlite":
        return _sqlite_tables(connection.settings_dict["NAME"])
    import psycopg

    db = connection.settings_dict
    kwargs = {
        k.lower(): v for k, v in db.items() if k in {"HOST", "PORT", "USER", "PASSWORD"} and v
    }
    return _pg_tables(psycopg.connect(dbname=db["NAME"], **kwargs))


@pytest.mark.django_db(transaction=True)
def test_restore_drill(tmp_path, settings, empty_target):
    """The suite's drill, on the database the suite runs on: the test database is backed up,
    restored into an empty one and compared table by table (row count and checksum), then
    restored over itself, which verifies the audit chain; a non-empty target is refused
    without --force."""
    from django.core.management import CommandError, call_command

    from wangge.core.backup import restore

    target, target_tables = empty_target
    settings.AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    exec(SEED, {})
    backup_file = tmp_path / "wangge.backup"
    call_command("backup", str(backup_file), stdout=io.StringIO())
    before = _test_db_tables()
    assert before["households_household"][0] == 5
    restore(target, backup_file)
    assert target_tables() == before

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup_file), stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(backup_file), "--force", stdout=out)
    assert "data key is NOT in the backup" in out.getvalue()
    assert "audit chain is intact" in out.getvalue()
    assert _test_db_tables() == before


@pytest.mark.slow
def test_restore_drill_sqlite_command_line(tmp_path, migrated_sqlite):
    source, target = migrated_sqlite, tmp_path / "target.sqlite3"
    _drill(
        tmp_path,
        f"sqlite:///{source}",
        f"sqlite:///{target}",
        lambda url: _sqlite_tables(Path(urlparse(url).path)),
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_restore_drill_postgresql_command_line(tmp_path, postgres_template):
    url = os.environ.get("WANGGE_TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the suite runs on SQLite (set WANGGE_TEST_DATABASE_URL for PostgreSQL)")
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"PostgreSQL client binaries missing: {', '.join(missing)}")
    import psycopg

    base = urlparse(url)
    names = [f"{base.path.lstrip('/')}_drill_{kind}_{uuid.uuid4().hex[:6]}" for kind in "st"]
    admin_url = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        # The source starts migrated (a copy of the tests' template), the target empty.
        conn.execute(f'CREATE DATABASE "{names[0]}" TEMPLATE "{postgres_template}"')
        conn.execute(f'CREATE DATABASE "{names[1]}"')
    try:
        source, target = (base._replace(path=f"/{n}").geturl() for n in names)
        _drill(tmp_path, source, target, _pg_tables)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
