"""Post garbage to every page route: a tampered or half-filled form is answered with a plain
error, never a server error.

Routes come from the URL resolver (as in the route walk), the field names from the form each
page shows, so a new POST view is covered without touching this test.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_route_walk import SKIP_PREFIXES, _fill, _patterns
from tests.test_route_walk import village_a_data as village_a_data  # a fixture used below
from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.models import Appeal, State
from wangge.appeals.services import (
    appeal_accept,
    appeal_close,
    appeal_create,
    appeal_rate,
    appeal_resolve,
    appeal_start,
)

GARBAGE = {
    "letters": "abc",
    "huge number": "9" * 40,
    "negative": "-1",
    "date-like": "2026-13-45",
    "NUL byte": "a\x00b",
    "very long": "长" * 5000,
}
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Fields(HTMLParser):
    """The names of a page's form fields and the values the page fills in (hidden ones too)."""

    def __init__(self):
        super().__init__()
        self.defaults: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in {"input", "textarea", "button"} and name and name not in SKIPPED_FIELDS:
            self.defaults.setdefault(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.defaults.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.defaults[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.defaults


def _payloads(defaults: dict[str, str]) -> dict[str, dict]:
    """Nothing; every field garbage; and each field the page fills in alone garbage beside the
    page's other values (a tampered hidden field such as a version number). A field the page
    leaves empty is already garbage in the all-fields payloads."""
    payloads: dict[str, dict] = {"empty": {}}
    if not defaults:  # a page that shows no form (or none to this user): all of them are empty
        return payloads
    payloads.update({label: dict.fromkeys(defaults, value) for label, value in GARBAGE.items()})
    for name, value in defaults.items():
        if not value:
            continue
        # A number the page filled in (an id, a version, hours) may also overflow; for any
        # other value (a choice, a date, a text) a huge number is just more letters.
        labels = ("letters", "huge number") if NUMBER.fullmatch(value) else ("letters",)
        for label in labels:
            payloads[f"{name}={label}"] = {**defaults, name: GARBAGE[label]}
    return payloads


def _post_paths(values) -> list[str]:
    paths = set()
    for route in _patterns(get_resolver().url_patterns):
        if route.startswith("api/") or "logout" in route:
            continue
        for path in _fill(route, values):
            if not path.startswith(SKIP_PREFIXES):
                paths.add(path)
    return sorted(paths)


def _report(errors: dict[str, list[str]]) -> str:
    return "server errors:\n" + "\n".join(
        f"{path}: {', '.join(labels)}" for path, labels in errors.items()
    )


@pytest.fixture
def walk(client, township_admin, village_a_data):
    client.force_login(township_admin)
    values = {**village_a_data, "str": [*village_a_data["str"], testing.TOWNSHIP]}
    return client, _post_paths(values)


def _server_errors(client, paths) -> dict[str, list[str]]:
    client.raise_request_exception = False  # collect every 500 instead of stopping at the first
    errors: dict[str, list[str]] = {}
    for path in paths:
        page = client.get(path)
        ok = page.status_code == 200
        defaults = _fields(page.content.decode(errors="replace")) if ok else {}
        for label, data in _payloads(defaults).items():
            response = client.post(path, data)
            if response.status_code >= 500:
                errors.setdefault(path, []).append(label)
    return errors


# The walk posts a few thousand times: in parts, so that the test processes share it.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_garbage_posts_never_give_a_server_error(walk, part):
    client, paths = walk
    assert len(paths) > 50
    errors = _server_errors(client, paths[part::PARTS])
    assert not errors, _report(errors)


@pytest.mark.parametrize("part", range(2))
def test_garbage_posts_as_a_village_member_never_give_a_server_error(client, member_a, walk, part):
    _admin_client, paths = walk
    client.force_login(member_a)
    errors = _server_errors(client, paths[part::2])
    assert not errors, _report(errors)


@pytest.fixture
def administrators(regions):
    made = []
    for name, role in [
        ("sysadmin", Role.SYSTEM_ADMIN),
        ("secadmin", Role.SECURITY_ADMIN),
        ("auditadmin", Role.AUDIT_ADMIN),
    ]:
        user = testing.make_user(name, role, testing.TOWNSHIP)
        TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        made.append(user)
    return made


def test_garbage_posts_to_the_administrators_pages_never_give_a_server_error(
    client, administrators, secretary_a
):
    """The account, role and audit pages are reached only by their administrators, with the
    ids of an account and a role assignment; the second login step before verification."""
    assignment = secretary_a.roles.get()
    values = {"int": [str(secretary_a.pk), str(assignment.pk)], "slug": [], "str": []}
    paths = [p for p in _post_paths(values) if p.startswith(("/accounts/", "/audit/"))]
    assert "/accounts/users/" in paths and "/accounts/roles/" in paths
    errors: dict[str, list[str]] = {}
    for admin in administrators:
        client.force_login(admin)
        errors.update(_server_errors(client, paths))
        unverified = Client()
        unverified.force_login(admin)
        errors.update(_server_errors(unverified, ["/accounts/2fa/"]))
    assert not errors, _report(errors)


@pytest.fixture
def appeals_in_every_state(township_admin, village_a_data):
    """One appeal of village A in each state, handled by the township admin."""
    template = Appeal.objects.get(pk__in=village_a_data["int"])
    steps = {
        State.SUBMITTED: [],
        State.ACCEPTED: [appeal_accept],
        State.IN_PROGRESS: [appeal_accept, appeal_start],
        State.RESOLVED: [appeal_accept, appeal_resolve],
        State.RATED: [appeal_accept, appeal_resolve, appeal_rate],
        State.CLOSED: [appeal_accept, appeal_resolve, appeal_rate, appeal_close],
    }
    appeals = []
    for state, actions in steps.items():
        appeal = appeal_create(
            actor=None,
            household=template.household,
            category=template.category,
            text=f"garbage test {state}",
            channel="member",
            contact_phone="13912345678",
        )
        for action in actions:
            extra = {"note": "done"} if action is appeal_resolve else {}
            if action is appeal_rate:
                appeal = action(actor=None, appeal=appeal, rating="satisfied")
            else:
                appeal = action(actor=township_admin, appeal=appeal, **extra)
        assert appeal.state == state
        appeals.append(appeal)
    return appeals


@pytest.fixture
def no_track_limit(settings):
    """Many look-ups from one address: lift the tracking page's limit, and forget the count
    afterwards so later tests from the same address are not refused."""
    settings.WANGGE_PUBLIC_LIMITS = {"track_per_ip": (10_000, 3600)}
    yield
    cache.clear()


def test_garbage_actions_on_requests_in_every_state(
    client, township_admin, appeals_in_every_state, no_track_limit
):
    """The action form of a request's page, in every state, and the resident's rating form."""
    client.force_login(township_admin)
    client.raise_request_exception = False
    errors: dict[str, list[str]] = {}
    for appeal in appeals_in_every_state:
        page = client.get(f"/requests/{appeal.pk}/")
        assert page.status_code == 200
        defaults = _fields(page.content.decode())
        defaults.setdefault("action", "note")
        for label, data in _payloads(defaults).items():
            response = client.post(f"/requests/{appeal.pk}/act/", data)
            if response.status_code >= 500:
                errors.setdefault(f"/requests/{appeal.pk}/act/ ({appeal.state})", []).append(label)
        track = {"ticket": appeal.ticket, "phone": "13912345678", "rating": "satisfied", "note": ""}
        for label, data in _payloads(track).items():
            response = client.post("/requests/track/", data)
            if response.status_code >= 500:
                errors.setdefault(f"/requests/track/ ({appeal.state})", []).append(label)
    assert not errors, _report(errors)
