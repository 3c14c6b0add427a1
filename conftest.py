import contextlib
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import Role
from wangge.accounts.twofactor import confirmed_device
from wangge.flags.services import sources_seed


class VerifiedClient(Client):
    """force_login that also completes the TOTP step for users who have an authenticator.

    The real two-step login is tested through the login pages; other tests start logged in.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = confirmed_device(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """The rows a migration seeds (the five agency sources) are gone after a test that empties
    every table (``transaction=True``, the browser tests) ran earlier in the same worker: put
    them back for each test that uses the database, whatever order the tests run in."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("db")
        sources_seed()


@pytest.fixture(autouse=True)
def _reset_language(settings):
    """A request's language stays active in its thread; start every test from the default."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and login throttles live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def regions(db):
    return testing.build_regions()


@pytest.fixture
def tags(db):
    return testing.build_tags()


@pytest.fixture
def township_admin(regions):
    user = testing.make_user("township-admin", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


@pytest.fixture
def secretary_a(regions):
    return testing.make_user("secretary-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)


@pytest.fixture
def secretary_b(regions):
    return testing.make_user("secretary-b", Role.VILLAGE_SECRETARY, testing.VILLAGE_B)


@pytest.fixture
def member_a(regions):
    return testing.make_user("member-a", Role.MEMBER, testing.VILLAGE_A)


@pytest.fixture
def admin_client(client, township_admin):
    client.force_login(township_admin)
    return client


# The browser tests (tests/browser, and the import page's in wangge/imports/tests) share one
# Chromium per process: Playwright's sync API may run only once in a thread.
CHROMIUM = Path(os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside
# a running loop unless told it is safe (it is: the test thread does not share the loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(items):
    """Tests that build the demo (modules named ``test_*demo.py``) are slow: with PostgreSQL
    configured, `make test` runs them once, there (see the Makefile)."""
    for item in items:
        if item.path.name.startswith("test_") and item.path.stem.endswith("demo"):
            item.add_marker(pytest.mark.slow)


# --- one migrated database, copied into each test process -----------------------------------
# Migrating from scratch renders the model state ~9,000 times (~15 s of CPU per process on
# SQLite, more on PostgreSQL). The first process migrates a template (named after the
# migrations' content, so a changed migration builds a new one); every process copies it:
# PostgreSQL's CREATE DATABASE … TEMPLATE, SQLite's backup into the in-memory test database.
# `migrate` still runs after the copy and finds nothing to do; the migration tests
# (test_migrations.py) migrate back and forth on the copy as before.


def _template_key(vendor: str) -> str:
    import hashlib

    import django

    digest = hashlib.sha256(f"{vendor} {django.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("wangge/*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _migrate_into(url: str) -> None:
    import subprocess
    import sys

    env = {
        **os.environ,
        "WANGGE_TEST_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "wangge.test_settings",
    }
    subprocess.run(
        [sys.executable, "-m", "wangge", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=Path(__file__).parent,
    )


@contextlib.contextmanager
def _template_lock(key: str):
    import fcntl
    import tempfile

    path = Path(tempfile.gettempdir()) / f"wangge-test-template-{key}.lock"
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _sqlite_template(key: str) -> Path:
    """The migrated SQLite template (built if missing; call under the template's lock)."""
    import tempfile

    template = Path(tempfile.gettempdir()) / f"wangge-test-template-{key}.sqlite3"
    if not template.exists():
        building = template.with_suffix(".building")
        building.unlink(missing_ok=True)
        _migrate_into(f"sqlite:///{building}")
        building.rename(template)
    return template


@pytest.fixture
def migrated_sqlite(tmp_path) -> Path:
    """A migrated SQLite database file of the test's own, for tests that run the product in
    another process (serve, backup and restore): a copy of the template, not a migration."""
    import shutil

    key = _template_key("sqlite")
    with _template_lock(key):
        template = _sqlite_template(key)
    path = tmp_path / "migrated.sqlite3"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def postgres_template(django_db_setup) -> str:
    """The name of the migrated PostgreSQL template the test databases were copied from, for
    tests that need a migrated database of their own (the restore drill)."""
    from django.db import connection

    return f"wangge_test_template_{_template_key(connection.vendor)}"


def _copy_template_into_test_database():
    import sqlite3

    from django.db import connection

    settings_dict = connection.settings_dict
    key = _template_key(connection.vendor)
    with _template_lock(key):  # one process builds; the others wait, then copy
        if connection.vendor == "sqlite":
            template = _sqlite_template(key)
            name = connection.creation._get_test_db_name()
            if not connection.creation.is_in_memory_db(name):
                return None
            # Kept open until Django's own connection holds the copy: a shared in-memory
            # database lives while a connection to it does. Then closed, so that no second
            # connection shares its tables' locks (flushing drops and makes triggers).
            target = sqlite3.connect(name, uri=True)
            with contextlib.closing(sqlite3.connect(template)) as source:
                source.backup(target)
            return target
        template = f"wangge_test_template_{key}"
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                building = f"{template}_building"
                cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
                cursor.execute(f'CREATE DATABASE "{building}"')
                url = _database_url(settings_dict, building)
                _migrate_into(url)
                cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            name = connection.creation._get_test_db_name()
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return None


def _database_url(settings_dict, name: str) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        copied_by = _copy_template_into_test_database()
        config = setup_databases(
            verbosity=0,
            interactive=False,
            keepdb=True,
            aliases={"default"},
            serialized_aliases=set(),
        )
        if copied_by is not None:
            connection.ensure_connection()  # Django never closes an in-memory database
            copied_by.close()
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)
