"""Every link a demo role is shown leads somewhere it may go: no 403 or 404 behind a link.

For each demo role, open the home page, then every page of its menu, then every link on
those pages (a couple of examples per kind of URL), and expect none to answer 403 or 404.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge.accounts.models import User

ROLES = [
    "township-admin",
    "leader-340827200200",
    "secretary-340827200200",
    "member-340827200200-1",
    "discipline",
    "data-officer",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
SKIP = (
    "/static/",
    "/media/",
    "/i18n/",
    "/jsi18n/",
    "/backoffice/",
    "/api/",
    "/accounts/logout/",
    "/accounts/large-text/",
)
# Pages reached from inside others rather than the menu (the flags queue: from the overview).
EXTRA_STARTS = ["/flags/", "/flags/queue/", "/assistance/"]
PER_KIND = 2  # examples per URL shape (/households/<n>/ …): enough to catch a wrong link
# Actions whose empty post changes nothing (dismissing a flag needs a reason).
SAFE_EMPTY_POSTS = r"^/flags/\d+/decide/$"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.posts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self.posts.append(values.get("action") or "")


def _links(html: str, base: str, *, posts: bool = False) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.posts if posts else parser.hrefs:
        if posts and not href:
            href = base
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href:
            continue
        if not href.startswith("/"):
            href = base.rsplit("/", 1)[0] + "/" + href
        if href.startswith("?"):
            href = base + href
        if not href.startswith(SKIP):
            found.append(href)
    return found


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEMO_PASSWORD = "Demo-pass-2026"
    call_command("demo", "--scale", "0.05", stdout=io.StringIO())


def _walk(client) -> dict[str, int]:
    """GET home, the menu pages, and the links on them; then send each form shown on those
    pages once, empty. The paths that answered 403 or 404, with their status."""
    home = client.get("/", follow=True)
    assert home.status_code == 200
    start = home.redirect_chain[-1][0] if home.redirect_chain else "/"
    assert "/accounts/2fa/" not in start
    menu = list(dict.fromkeys(_links(home.content.decode(), start) + EXTRA_STARTS))
    seen: set[str] = {start}
    kinds: dict[str, int] = {}
    failures: dict[str, int] = {}
    queue = [(path, True) for path in menu]
    forms: dict[str, None] = {}
    while queue:
        path, expand = queue.pop(0)
        if path in seen:
            continue
        kind = _kind(path)
        if kinds.get(kind, 0) >= PER_KIND:
            continue
        seen.add(path)
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(path)
        if response.status_code in (403, 404) and path not in EXTRA_STARTS:
            failures[path] = response.status_code
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            forms.update(dict.fromkeys(_links(html, path, posts=True)))
            if expand:
                queue += [(link, False) for link in _links(html, path)]
    # Forms that are safe to send empty (refused as incomplete, nothing changes): a 403 means
    # the role was shown a form it may not send, and would lose what it typed.
    for action in forms:
        if not re.search(SAFE_EMPTY_POSTS, action):
            continue
        if kinds.setdefault("POST " + _kind(action), 0) < PER_KIND:
            kinds["POST " + _kind(action)] += 1
            response = client.post(action, {"decision": "dismiss"})
            if response.status_code == 403:
                failures["POST " + action] = 403
    return failures


@pytest.mark.slow
def test_no_role_is_shown_a_link_it_may_not_follow(client, demo):
    failures = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        # Roles that must use an authenticator: give them one (the test client completes it).
        TOTPDevice.objects.get_or_create(user=user, defaults={"name": "test", "confirmed": True})
        client.force_login(user)
        bad = _walk(client)
        if bad:
            failures[username] = bad
        client.logout()
    assert failures == {}, failures


def test_overdue_card_links_only_for_cadres(client, regions):
    """GIVEN the agency data officer and a secretary WHEN they open the overview THEN only the
    secretary's overdue-visits card links to the visit overview (the officer would get a 403)."""
    from wangge import testing
    from wangge.accounts.models import Role

    officer = testing.make_user("officer", Role.DATA_OFFICER, testing.TOWNSHIP)
    secretary = testing.make_user("sec", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    client.force_login(officer)
    page = client.get("/")
    assert 'data-figure="visits_overdue"' in page.content.decode()
    assert "/visits/overview/" not in page.content.decode()
    assert client.get("/visits/overview/").status_code == 403
    client.force_login(secretary)
    assert "/visits/overview/" in client.get("/").content.decode()
