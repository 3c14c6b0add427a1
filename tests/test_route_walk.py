"""Walk every page and API route as an outsider: nothing of village A may show.

Routes are discovered from the URL resolver and the OpenAPI schema, so new ones are
covered without touching this test.
"""

import contextlib
import itertools
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import Role, User
from wangge.accounts.tokens import token_issue
from wangge.api import api
from wangge.appeals.categories import categories_for
from wangge.appeals.services import appeal_create
from wangge.audit.models import AuditEvent
from wangge.campaigns.services import (
    accountability_open,
    campaign_create,
    duty_log_record,
    pledge_publish,
    roster_add,
)
from wangge.grids.models import GridMember
from wangge.grids.services import (
    grid_assign_households,
    grid_create,
    grid_layers_seed,
    person_create,
)
from wangge.households.models import Household
from wangge.notices.audience import Targets
from wangge.notices.services import feedback_create, notice_send
from wangge.regions.models import Region
from wangge.visits.services import visit_log

SECRET_HEAD = "甲村秘户"
SECRET_MEMBER = "甲村秘员"
SECRET_GRID = "甲村秘格"
SECRET_NOTICE = "甲村秘通知"
SECRET_FEEDBACK = "甲村秘反馈"
SECRET_PERSON = "甲村秘人"
SECRET_PATROL = "甲村秘巡"
SECRETS = [SECRET_HEAD, SECRET_MEMBER, SECRET_GRID, SECRET_NOTICE, SECRET_FEEDBACK]
SECRETS += [SECRET_PERSON, SECRET_PATROL]

# Pages anyone may open (they show no registry data).
PUBLIC = {"/accounts/login/", "/api/v1/docs", "/api/v1/openapi.json", "/requests/track/"}
PUBLIC.add("/healthz")  # monitoring: status figures, no personal data
PUBLIC.add("/requests/track/lost/")  # a resident's lost ticket: a form, data only with a code
SKIP_PREFIXES = ("/backoffice/", "/static/", "/media/", "/i18n/", "/jsi18n/")

SLUG_VALUES = ["members", "households", "service", "epidemic", "governance"]
GAP_VALUES = ["households", "unled", "members", "large", "small"]


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route: str, values: dict[str, list[str]]) -> list[str]:
    """Concrete paths for a Django route, trying every candidate for each converter."""
    route = route.lstrip("^").rstrip("$")
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    choices = []
    for converter, name in params:
        if converter == "int" or name.endswith("_id") or name == "pk":
            choices.append(values["int"])
        elif converter == "slug" and name == "kind" and "gaps" in route:
            choices.append(GAP_VALUES)
        elif converter == "slug" or name in {"kind", "slug"}:
            choices.append(values["slug"])
        else:
            choices.append(values["str"])
    paths = []
    for combo in itertools.product(*choices):
        path = route
        for (converter, name), value in zip(params, combo, strict=True):
            token = f"<{converter}:{name}>" if converter else f"<{name}>"
            path = path.replace(token, str(value), 1)
        paths.append("/" + path)
    return paths


@pytest.fixture
def village_a_data(regions, tags):
    layers = {layer.slug: layer for layer in grid_layers_seed()}
    household = testing.make_household(
        area_code=testing.VILLAGE_A + "001001", seq=1, head_name=SECRET_HEAD
    )
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=2, name=SECRET_MEMBER)
    grid = grid_create(
        actor=None,
        layer=layers["epidemic"],
        name=SECRET_GRID,
        area=Region.objects.get(code=testing.VILLAGE_A + "001"),
        responsible=member,
    )
    grid_assign_households(actor=None, grid=grid, households=[household])
    appeal = appeal_create(
        actor=None,
        household=household,
        category=categories_for(testing.TOWNSHIP).first(),
        text="水管漏水",
        channel="member",
    )
    sender = testing.make_user("notice-sender-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    village = Region.objects.get(code=testing.VILLAGE_A)
    notice = notice_send(
        actor=sender, area=village, title=SECRET_NOTICE, body="村内", targets=Targets(everyone=True)
    )
    writer = testing.make_user("notice-writer-a", Role.MEMBER, testing.VILLAGE_A)
    writer.member = member
    writer.save(update_fields=["member"])
    feedback = feedback_create(
        actor=writer, subject=SECRET_FEEDBACK, text="村内", addressed_to="village", notice=notice
    )
    duty = _duty_campaign_a(sender, writer, member, grid)
    ints = sorted(
        {household.pk, member.pk, grid.pk, member.organisation_id, appeal.pk}
        | {notice.pk, feedback.pk}
        | duty
    )
    return {
        "int": [str(i) for i in ints],
        "slug": SLUG_VALUES,
        "str": [testing.VILLAGE_A, testing.VILLAGE_A + "001"],
    }


def _duty_campaign_a(secretary, writer, member, grid) -> set[int]:
    """A straw-burning campaign over village A: its letter, a patrol, a person on its roster
    and an accountability record, each naming a secret."""
    GridMember.objects.create(grid=grid, member=member)
    office = testing.make_user("campaign-office", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    today = timezone.localdate()
    campaign = campaign_create(
        actor=office,
        area=Region.objects.get(code=testing.VILLAGE_A),
        name="甲村禁烧",
        kind="straw_burning",
        starts_on=today,
        ends_on=today,
    )
    pledge = pledge_publish(actor=office, campaign=campaign, text=SECRET_PATROL)
    log = duty_log_record(
        actor=writer, campaign=campaign, kind="incident", day=today, place="田", text=SECRET_PATROL
    )
    person = person_create(
        actor=secretary, name=SECRET_PERSON, area=Region.objects.get(code=testing.VILLAGE_A)
    )
    roster_add(actor=secretary, campaign=campaign, person=person)
    record = accountability_open(
        actor=secretary,
        campaign=campaign,
        area=Region.objects.get(code=testing.VILLAGE_A),
        failure=SECRET_PATROL,
        person=person,
        duty_log=log,
    )
    return {campaign.pk, pledge.pk, log.pk, person.pk, record.pk}


def _page_paths(values):
    paths = set()
    for route in _patterns(get_resolver().url_patterns):
        if route.startswith("api/"):
            continue
        for path in _fill(route, values):
            if not path.startswith(SKIP_PREFIXES):
                paths.add(path)
    return sorted(paths)


def _api_paths(values):
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    paths = set()
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        params = re.findall(r"{(\w+)}", path)
        pools = [values["str"] if p == "code" else values["int"] for p in params]
        for combo in itertools.product(*pools):
            concrete = path
            for name, value in zip(params, combo, strict=True):
                concrete = concrete.replace("{" + name + "}", value)
            paths.add(concrete)
    return sorted(paths)


def _leaks(content: bytes) -> list[str]:
    text = content.decode(errors="replace")
    # JSON escapes non-ASCII characters: compare on the decoded document too.
    with contextlib.suppress(ValueError):
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return [s for s in SECRETS if s in text]


def test_outsider_pages_show_nothing_of_village_a(client, secretary_b, village_a_data):
    client.force_login(secretary_b)
    paths = _page_paths(village_a_data)
    assert len(paths) > 10
    leaks = {}
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and _leaks(response.content):
            leaks[path] = _leaks(response.content)
    assert not leaks, leaks


def test_anonymous_reaches_no_page_but_login(client, village_a_data):
    opened = []
    for path in _page_paths(village_a_data):
        response = client.get(path)
        if response.status_code == 200 and path not in PUBLIC:
            opened.append(path)
        assert not _leaks(response.content), path
    assert not opened, "\n".join(f"{p} {s}" for p, s in sorted(opened.items()))


def test_outsider_api_shows_nothing_of_village_a(client, secretary_b, village_a_data):
    raw, _token = token_issue(user=secretary_b)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    paths = _api_paths(village_a_data)
    assert any("/households" in p for p in paths)
    for path in paths:
        response = client.get(path, **auth)
        assert response.status_code != 500, path
        if response.status_code == 200:
            assert not _leaks(response.content), path
        anonymous = client.__class__().get(path)
        assert anonymous.status_code in {401, 404}, (path, anonymous.status_code)


def test_the_walk_reaches_village_a_data_for_its_own_secretary(client, secretary_a, village_a_data):
    """Control: the same walk as village A's secretary does find the data, so the
    outsider tests above are not passing because the walk never reaches anything."""
    client.force_login(secretary_a)
    page_hits = [p for p in _page_paths(village_a_data) if _leaks(client.get(p).content)]
    raw, _token = token_issue(user=secretary_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api_hits = [p for p in _api_paths(village_a_data) if _leaks(client.get(p, **auth).content)]
    assert any(p.startswith("/grids/") for p in page_hits), page_hits
    assert any(p.startswith("/notices/feedback/") for p in page_hits), page_hits
    assert any(p.startswith("/api/v1/notices") for p in api_hits), api_hits
    assert any(p.startswith("/api/v1/feedback") for p in api_hits), api_hits
    assert any(p.startswith("/api/v1/households") for p in api_hits), api_hits
    assert any(p.startswith("/api/v1/members") for p in api_hits), api_hits
    assert any(p.startswith("/grids/persons/") for p in page_hits), page_hits
    assert any(p.startswith("/campaigns/accountability/") for p in page_hits), page_hits
    assert any(p.startswith("/api/v1/persons") for p in api_hits), api_hits
    assert any(p.startswith("/api/v1/pledges") for p in api_hits), api_hits


# --- least privilege: the role × route matrix ----------------------------------------------

OTHER_HEAD = "甲村他户"  # a household of village A outside the member's grid and pairings
OTHER_VISIT = "甲村他访"  # what another cadre found there
OWN_REQUEST = "甲村己诉"  # a request the member entered for their own household
PERSONAL_PREFIXES = ("/members/", "/households/", "/grids/", "/pairing/", "/visits/")
PERSONAL_API = tuple(
    f"/api/v1/{p}" for p in ("members", "households", "grids", "pairings", "requests", "visits")
)
ADMINISTRATORS = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]


# Not personal data: the township's request categories, the visit pages' service worker.
NOT_PERSONAL = {"/api/v1/requests/categories", "/visits/sw.js"}


def _is_personal(path: str) -> bool:
    if path in NOT_PERSONAL:
        return False
    if path.startswith("/requests/") and not path.startswith(
        ("/requests/track/", "/requests/metrics/")
    ):
        return True
    return path.startswith(PERSONAL_PREFIXES + PERSONAL_API)


@pytest.fixture
def matrix_data(village_a_data, secretary_a):
    """Village A seen by its ordinary member (``notice-writer-a``, responsible for the grid that
    holds 甲村秘户): another household, another cadre's visit there, and a request of their own."""
    member_user = User.objects.get(username="notice-writer-a")
    other = testing.make_household(
        area_code=testing.VILLAGE_A + "001001", seq=7, head_name=OTHER_HEAD
    )
    appeal_create(
        actor=secretary_a,
        household=other,
        category=categories_for(testing.TOWNSHIP).first(),
        text="他户的诉求",
        channel="member",
    )
    visit_log(
        actor=secretary_a, household=other, visited_on=timezone.localdate(), found=OTHER_VISIT
    )
    own = Household.objects.get(head_name=SECRET_HEAD)
    mine = appeal_create(
        actor=member_user,
        household=own,
        category=categories_for(testing.TOWNSHIP).first(),
        text=OWN_REQUEST,
        channel="member",
    )
    values = dict(village_a_data)
    values["int"] = sorted({*values["int"], str(other.pk), str(mine.pk)}, key=int)
    return {"values": values, "member": member_user, "own_request": mine}


def _texts(client, paths, **headers):
    for path in paths:
        response = client.get(path, **headers)
        assert response.status_code != 500, path
        text = response.content.decode(errors="replace")
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
        yield path, response.status_code, text


def test_member_sees_only_their_grid_and_their_own(client, matrix_data):
    member_user = matrix_data["member"]
    client.force_login(member_user)
    values = matrix_data["values"]
    seen, leaked = set(), {}
    for path, status, text in _texts(client, _page_paths(values)):
        if status == 200:
            seen |= {s for s in (SECRET_HEAD, OWN_REQUEST) if s in text}
            if OTHER_HEAD in text or OTHER_VISIT in text:
                leaked[path] = status
    raw, _token = token_issue(user=member_user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for path, status, text in _texts(client, _api_paths(values), **auth):
        if status == 200 and (OTHER_HEAD in text or OTHER_VISIT in text):
            leaked[path] = status
    assert not leaked, leaked
    # Control: their grid's household and their own request are there for them.
    assert seen == {SECRET_HEAD, OWN_REQUEST}, seen
    households = client.get("/api/v1/households", **auth).json()
    assert [h["head_name"] for h in households["items"]] == [SECRET_HEAD]
    assert client.get(f"/requests/{matrix_data['own_request'].pk}/").status_code == 200


def test_member_cannot_export(client, matrix_data, tmp_path):
    client.force_login(matrix_data["member"])
    for kind in ("households", "members"):
        assert client.get(f"/imports/{kind}/export.xlsx").status_code == 403, kind
        page = client.get(f"/{kind}/").content.decode()
        assert f"/imports/{kind}/export.xlsx" not in page, kind
    with pytest.raises(CommandError, match="may not export"):
        call_command("export", "households", str(tmp_path / "x.xlsx"), "--user", "notice-writer-a")
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ADMINISTRATORS)
def test_administrators_reach_no_personal_data(client, matrix_data, role):
    admin = testing.make_user(f"admin-{role}", role, testing.TOWNSHIP)
    device = TOTPDevice.objects.create(user=admin, name="test", confirmed=True)
    client.force_login(admin)
    values = matrix_data["values"]
    secrets = [*SECRETS, OTHER_HEAD, OTHER_VISIT, OWN_REQUEST]
    opened, leaked = {}, {}
    raw, _token = token_issue(user=admin, otp_device=device)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    pages = list(_texts(client, _page_paths(values)))
    api_routes = list(_texts(client, _api_paths(values), **auth))
    assert any(_is_personal(p) for p, _s, _t in pages)
    assert any(_is_personal(p) for p, _s, _t in api_routes)
    for path, status, text in pages + api_routes:
        if _is_personal(path) and status not in {403, 404, 405}:  # 405: POST-only
            opened[path] = status
        if found := [s for s in secrets if s in text]:
            leaked[path] = found
    assert not opened, "\n".join(f"{p} {s}" for p, s in sorted(opened.items()))
    assert not leaked, leaked
    # "/" is their own page, and the menu offers no personal-data page.
    home = client.get("/", follow=True)
    assert home.status_code == 200 and home.redirect_chain
    for link in ('href="/households/"', 'href="/members/"', 'href="/requests/"'):
        assert link not in home.content.decode(), link
