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
