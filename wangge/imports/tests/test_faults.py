"""Faults during an import (issue 15, S14), with real processes on a real database file or
PostgreSQL database:

- the queue consumer killed with ``kill -9`` in the middle of committing a registry import:
  nothing of it is in the database; when a consumer starts again it runs the job again, and
  the households are there once — also when the job's message is delivered a second time;
- the disk full while an upload is staged: the user reads 磁盘空间不足 on the upload page, and
  neither a half-written file nor a job is left behind;
- the disk full while the rows are saved (SQLite's file on a small file system): the job fails
  saying 磁盘空间不足, and not one of its rows is in the database.

The processes are configured as production is (no test settings); they share this test's
database: PostgreSQL's test database itself, or a file copy of SQLite's in-memory one.
"""

import datetime
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.imports.tests.sheets import HOUSEHOLD_HEADERS, write_xlsx

ROOT = Path(__file__).resolve().parents[3]
ROWS = 6000

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CREATE_JOB = """
import sys
import django
django.setup()
from django.core.files import File
from wangge.accounts.models import User
from wangge.imports.services import import_job_create
with open(sys.argv[1], "rb") as f:
    job = import_job_create(user=User.objects.get(username="importer"), kind="households",
                            upload=File(f, name="户籍.xlsx"), partial=False)
print(job.pk)
"""

RUN_AGAIN = """
import sys
import django
django.setup()
from wangge.imports.services import import_job_run
job = import_job_run(int(sys.argv[1]))
print(job.status, job.attempts)
"""


class Shared:
    """This test's database as the other processes see it, and a way to read it back."""

    def __init__(self, tmp_path: Path):
        from django.db import connection

        self.vendor = connection.vendor
        db = connection.settings_dict
        if self.vendor == "sqlite":
            self.path = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            user = db["USER"] or "postgres"
            password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"

    def one(self, sql: str, *params):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=20) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchone()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()


def _env(tmp_path: Path, database_url: str, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WANGGE_", "DJANGO_", "PYTEST_")) and k != "PGDATABASE"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="wangge.settings",
        WANGGE_VAR_DIR=str(tmp_path / "var"),
        WANGGE_DATABASE_URL=database_url,
        **extra,
    )
    (tmp_path / "var").mkdir(exist_ok=True)
    return env


def _python(env: dict, code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def _households_file(path: Path, rows: int) -> Path:
    start = datetime.date(1935, 1, 1)
    data = [
        [
            f"王{'建国华明军平伟芳'[i % 8]}{'强磊洋勇'[i % 4]}",
            testing.make_id(start + datetime.timedelta(days=i), i),
            f"139{i:08d}",
            str(i % 6 + 1),
            "湖滨村",
            "汪屋",
            f"汪屋{i}号",
            "",
            "",
        ]
        for i in range(rows)
    ]
    return write_xlsx(path, HOUSEHOLD_HEADERS, data, text_columns=(1, 2))


@pytest.fixture
def shared(tmp_path):
    testing.build_regions()
    testing.build_tags()
    testing.make_user("importer", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    return Shared(tmp_path)


def _consumer(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "worker", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def _job(shared: Shared, pk: int):
    return shared.one(
        "SELECT status, committed, attempts, created FROM core_importjob WHERE id = %s", pk
    )


def test_consumer_killed_mid_commit_the_job_runs_again_once(shared, tmp_path):
    env = _env(tmp_path, shared.url, WANGGE_JOB_STALE_SECONDS="6")
    log = tmp_path / "worker.log"
    upload = _households_file(tmp_path / "households.xlsx", ROWS)
    pk = int(_python(env, CREATE_JOB, str(upload)))
    assert _job(shared, pk)[0] == "queued"

    consumer = _consumer(env, log)
    try:
        deadline = time.monotonic() + 240
        while (status := _job(shared, pk)[0]) != "committing":
            assert status in {"queued", "validating"}, (status, log.read_text()[-3000:])
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.01)
        os.kill(consumer.pid, signal.SIGKILL)
    finally:
        consumer.kill()
        consumer.wait(timeout=30)

    # Killed while writing the rows: none of them are in the database.
    status, committed, killed_at, _created = _job(shared, pk)
    assert (status, bool(committed)) == ("committing", False)
    assert shared.one("SELECT count(*) FROM households_household")[0] == 0

    time.sleep(6.5)  # the job's heartbeat goes stale: its worker is gone
    consumer = _consumer(env, log)
    try:
        deadline = time.monotonic() + 240
        while _job(shared, pk)[0] != "done":
            assert time.monotonic() < deadline, (_job(shared, pk), log.read_text()[-3000:])
            assert consumer.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
    finally:
        consumer.terminate()
        consumer.wait(timeout=60)

    _status, committed, attempts, created = _job(shared, pk)
    assert (bool(committed), created) == (True, ROWS)
    assert attempts == killed_at + 1
    assert shared.one("SELECT count(*) FROM households_household")[0] == ROWS
    imports = "SELECT count(*) FROM audit_auditevent WHERE action = 'households.import'"
    assert shared.one(imports)[0] == 1

    # The same job's message delivered again: it does nothing.
    assert _python(env, RUN_AGAIN, str(pk)) == f"done {attempts}"
    assert shared.one("SELECT count(*) FROM households_household")[0] == ROWS
    assert shared.one(imports)[0] == 1


UPLOAD_ON_A_FULL_DISK = """
import sys
import django
django.setup()
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
call_command("createcachetable")
from django.test import Client
from wangge.accounts.models import User
from wangge.imports.models import ImportJob
client = Client()
client.force_login(User.objects.get(username="importer"))
with open(sys.argv[1], "rb") as f:
    response = client.post("/imports/households/", {"file": f}, HTTP_ACCEPT_LANGUAGE="zh-hans")
staged = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "imports").iterdir())
print(response.status_code, ImportJob.objects.count(), len(staged))
print(response.content.decode())
"""


def _unshare() -> list[str]:
    """A command prefix that runs in a private mount namespace, where a tmpfs can be mounted."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("needs unshare (util-linux) to mount a small private file system")
    private = [unshare, "--user", "--map-root-user", "--mount"]
    probe = subprocess.run([*private, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not allowed here: no private tmpfs to fill")
    return private


def test_disk_full_while_staging_an_upload_says_so_and_keeps_nothing(shared, tmp_path):
    private = _unshare()
    env = _env(tmp_path, shared.url, WANGGE_ALLOWED_HOSTS="testserver")
    media = tmp_path / "var" / "media"
    media.mkdir(parents=True)
    upload = _households_file(tmp_path / "households.xlsx", 3000)
    assert upload.stat().st_size > 128 * 1024
    # The media directory is a 64 KB tmpfs, private to this process: the upload cannot fit.
    script = (
        f'mount -t tmpfs -o size=64k wangge-full "{media}" && '
        f'exec "{sys.executable}" -c "$0" "{upload}"'
    )
    done = subprocess.run(
        [*private, "sh", "-c", script, UPLOAD_ON_A_FULL_DISK],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    first, page = done.stdout.split("\n", 1)
    # The form again (200), no job, no file left in the staging directory.
    assert first == "200 0 0"
    assert "磁盘空间不足" in page and "系统管理员" in page
    assert shared.one("SELECT count(*) FROM core_importjob")[0] == 0


SAVE_ON_A_FULL_DISK = """
import sys
import django
django.setup()
from wangge.households.models import Household
from wangge.imports.services import import_job_run
job = import_job_run(int(sys.argv[1]))
print(job.status, bool(job.committed), Household.objects.count())
print(job.message)
"""


def test_disk_full_while_saving_the_rows_fails_the_job_and_saves_none(shared, tmp_path):
    if shared.vendor != "sqlite":
        pytest.skip("fills SQLite's own file system; PostgreSQL's disk is the server's")
    private = _unshare()
    env = _env(tmp_path, shared.url)
    upload = _households_file(tmp_path / "households.xlsx", ROWS)
    pk = int(_python(env, CREATE_JOB, str(upload)))
    # The database on a tmpfs with 256 KB to spare: the job's rows need several MB.
    disk = tmp_path / "small"
    disk.mkdir()
    size = shared.path.stat().st_size // 1024 + 256
    script = (
        f'mount -t tmpfs -o size={size}k wangge-full "{disk}" && '
        f'cp "{shared.path}" "{disk}/db.sqlite3" && '
        f'WANGGE_DATABASE_URL="sqlite:///{disk}/db.sqlite3" exec "{sys.executable}" -c "$0" {pk}'
    )
    done = subprocess.run(
        [*private, "sh", "-c", script, SAVE_ON_A_FULL_DISK],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    first, message = done.stdout.split("\n", 1)
    assert first == "failed False 0"
    assert "磁盘空间不足" in message
