"""The demo data set: the seed's figures, determinism, demo logins and their scope, reruns."""

import base64
import datetime
import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.models import Role, RoleAssignment, User
from wangge.accounts.scope import visible
from wangge.assessment.models import StarRound
from wangge.assessment.public import residents_served
from wangge.core.identity import age_on, parse_id_number
from wangge.demo import vocabulary as V
from wangge.demo.users import create_demo_users
from wangge.flags.models import Flag
from wangge.flags.selectors import flags_stats, township_figures
from wangge.grids.models import Grid, GridHousehold
from wangge.households.models import Household
from wangge.party.models import Member, Organisation, OrgCategory, OrgKind
from wangge.regions.models import Region

HUBIN = "340827200200"
TAIHUA = "340827200201"
FIXED_DAY = datetime.date(2026, 6, 30)


@pytest.fixture
def demo_settings(settings, tmp_path):
    """Keys go to a temporary var/ directory, never the checkout's."""
    settings.VAR_DIR = tmp_path
    settings.DEMO_PASSWORD = "Demo-pass-2026"
    return settings


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """Hash of every generated name, ID number, address and tag, in a stable order."""
    digest = hashlib.sha256()
    for r in Region.objects.order_by("code").values_list("code", "name", "level"):
        digest.update(repr(r).encode())
    for m in Member.objects.order_by("id_hash"):
        digest.update(
            repr((m.name, m.id_number, m.phone, m.area_code, m.organisation.name)).encode()
        )
    for h in Household.objects.order_by("head_id_hash").prefetch_related("tags"):
        tags = sorted(t.slug for t in h.tags.all())
        digest.update(repr((h.head_name, h.head_id_number, h.address, h.size, tags)).encode())
    return digest.hexdigest()


@pytest.mark.slow
def test_full_demo_has_the_seed_figures_and_scoped_logins(db, demo_settings, client):
    """GIVEN an empty database WHEN `wangge demo` runs at full scale THEN the Liangquan figures
    hold, every ID number passes GB 11643, and each demo login sees exactly its area."""
    started, cpu_started = time.perf_counter(), time.process_time()
    output = run_demo()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"full demo run: {elapsed:.1f} s ({cpu:.1f} s CPU in this process)")
    # CPU time, not wall time: a busy CI machine must not fail a correct generator.
    # The demo tells 2020–2021 in every app (campaigns, assessment, five stars): about 30 s.
    assert cpu < 45

    # Regions: the real township and village codes, 167 hamlets, 274 villager groups.
    assert Region.objects.get(code="340827200").name == "凉泉乡"
    villages = dict(Region.objects.filter(level="village").values_list("code", "name"))
    assert villages == {code: name for code, name, *_ in V.VILLAGES}
    assert villages[HUBIN] == "湖滨村委会"
    hamlets = Region.objects.filter(level="hamlet")
    assert hamlets.count() == 167
    assert all(h.parent_id in villages and h.code.startswith(h.parent_id) for h in hamlets)
    assert Region.objects.filter(level="group").count() == 274

    # Organisations: 28 branches (10 village, 18 township organs), councils.
    branches = Organisation.objects.filter(
        parent__kind=OrgKind.COMMITTEE, kind__in=[OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]
    )
    assert branches.count() == 28
    assert set(
        branches.filter(category=OrgCategory.VILLAGE).values_list("area_code", flat=True)
    ) == (set(villages))
    assert branches.filter(category=OrgCategory.TOWNSHIP_ORGAN).count() == 18
    assert branches.filter(kind=OrgKind.GENERAL_BRANCH).count() == 3
    assert Organisation.objects.filter(name__endswith="环境理事会").count() == 157
    assert Organisation.objects.get(name="湖滨村五老议事会").area_code == HUBIN

    # Members: 1,732 = 1,578 in village branches + 154 in township organs.
    members = list(Member.objects.select_related("organisation"))
    assert len(members) == 1732
    by_category = {}
    for m in members:
        by_category[m.organisation.category] = by_category.get(m.organisation.category, 0) + 1
    assert by_category == {OrgCategory.VILLAGE: 1578, OrgCategory.TOWNSHIP_ORGAN: 154}
    today = timezone.localdate()
    over_60 = sum(1 for m in members if age_on(m.birth_date, today) >= 60)
    assert abs(over_60 / 1732 - 0.352) <= 0.015
    mobile = [m for m in members if m.is_mobile]
    assert 180 <= len(mobile) <= 200
    assert all(m.mobile_whereabouts for m in mobile)
    for m in members:
        parsed = parse_id_number(m.id_number)
        assert (parsed.birth_date, parsed.gender) == (m.birth_date, m.gender)
        assert m.id_masked == m.id_number[:6] + "********" + m.id_number[-4:]
        assert m.joined_on is None or m.birth_date < m.joined_on <= today

    # Households: ~10,500, valid IDs, 4,000+ of a key type, status flags present.
    households = list(Household.objects.all())
    assert 10_000 <= len(households) <= 11_000
    short = {code: name for code, _n, name, *_ in V.VILLAGES}
    for h in households:
        parse_id_number(h.head_id_number)
        assert h.address.startswith(short[h.area_code[:12]]) and h.address.endswith("号")
        assert 1 <= h.size <= 6
    key = Household.objects.filter(tags__is_key=True).distinct().count()
    assert key >= 4000
    by_tag = dict(
        Household.objects.values_list("tags__slug").annotate(n=Count("id")).exclude(tags=None)
    )
    # 低保: a few in a hundred households, those the agency lists name among them.
    assert 0.02 <= by_tag["low_income"] / len(households) <= 0.05
    assert set(by_tag) >= {"extreme_hardship", "severe_illness", "severe_disability", "monitored"}

    # Grids: three layers; every household in exactly one grid of each; the report's counts.
    for slug in ("service", "epidemic", "governance"):
        placed = GridHousehold.objects.filter(layer__slug=slug)
        assert placed.count() == placed.values("household").distinct().count() == len(households)
    assert Grid.objects.filter(layer__slug="epidemic").count() == 353
    assert Grid.objects.filter(layer__slug="governance").count() == 274
    levels = set(Grid.objects.filter(layer__slug="service").values_list("level", flat=True))
    assert levels == {1, 2, 3, 4}
    assert Grid.objects.filter(layer__slug="service", level=1).count() == 10
    hubin_l2 = Grid.objects.get(layer__slug="service", level=2, area_code=HUBIN)
    assert hubin_l2.responsible.positions.filter(title="书记").exists()
    assert not GridHousehold.objects.filter(layer__slug="service").exclude(grid__level=4).exists()

    # Agency data: the 2021 files give the report's figures through the real pipeline.
    figures = township_figures(
        V.TOWNSHIP[0], start=datetime.date(2021, 1, 1), end=datetime.date(2021, 12, 31)
    )
    assert (figures.hardship_families, figures.newly_low_income, figures.low_income_raised) == (
        165,
        9,
        1,
    )
    # The review and the help that followed: most flags accepted, the refunded bills dismissed,
    # a plan per accepted flag; the 9 new and 1 raised 低保 households are outcomes of plans,
    # and every flagged household carries its rule's tag.
    stats = flags_stats(V.TOWNSHIP[0])
    assert stats["flags_by_status"]["dismissed"] == 7
    assert stats["flags_by_status"]["accepted"] > 165
    assert stats["assistance_plans"] >= stats["flags_by_status"]["accepted"]
    assert stats["plans_by_outcome"]["dibao_new"] == 9
    assert stats["plans_by_outcome"]["dibao_raised"] == 1
    assert stats["flags_by_rule"]["monitored"] > 0 and stats["attention_households"] >= 165
    untagged = Flag.objects.filter(status="accepted").exclude(
        household__tags__slug=F("rule__tag_slug")
    )
    assert not untagged.exists()

    # 泊湖社区's five-star round page: the report's 97 members serving 377 residents.
    bohu = Organisation.objects.get(area_code=V.BOHU, parent__kind=OrgKind.COMMITTEE)
    served = residents_served(Member.objects.filter(organisation=bohu))
    assert (served["members"], served["members_serving"], served["residents"]) == (97, 97, 377)
    round_ = StarRound.objects.get(organisation=bohu, year=2021)
    client.force_login(User.objects.get(username=f"secretary-{V.BOHU}"))
    page = client.get(reverse("assessment:round_detail", args=[round_.pk])).content.decode()
    assert re.search(r'id="served"><strong>97</strong>.*<strong>377</strong>', page)

    # Logins: one per role, with the right scope.
    for username in ("township-admin", "discipline", "data-officer", "sysadmin", "secadmin"):
        assert User.objects.get(username=username).check_password("Demo-pass-2026")
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles >= {
        Role.TOWNSHIP_ADMIN,
        Role.TOWNSHIP_LEADER,
        Role.VILLAGE_SECRETARY,
        Role.MEMBER,
        Role.DISCIPLINE,
        Role.DATA_OFFICER,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }
    secretary = User.objects.get(username=f"secretary-{HUBIN}")
    seen = visible(Household.objects.all(), secretary)
    assert seen.count() == Household.objects.filter(area_code__startswith=HUBIN).count() > 0
    assert not seen.filter(area_code__startswith=TAIHUA).exists()
    assert secretary.member.positions.filter(title="书记").exists()
    admin = User.objects.get(username="township-admin")
    assert visible(Household.objects.all(), admin).count() == len(households)
    for code in villages:
        assert User.objects.filter(username=f"leader-{code}", roles__area_id=code).exists()
        for n in (1, 2, 3):
            user = User.objects.get(username=f"member-{code}-{n}")
            assert user.member.area_code.startswith(code)
    assert "http://127.0.0.1:8000" in output
    assert "Demo-pass-2026" in output
    assert f"secretary-{HUBIN}" in output or f"secretary-{V.VILLAGES[0][0]}" in output


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # --reset empties tables: PostgreSQL's TRUNCATE
def test_same_seed_gives_the_same_data_and_reset_rebuilds(demo_settings):
    """GIVEN a demo built from seed 7 WHEN it is rebuilt with --reset THEN every name, ID and
    tag is the same; a different seed gives different people."""
    run_demo("--scale", "0.05", "--seed", "7", "--today", FIXED_DAY.isoformat())
    first = fingerprint()
    output = run_demo("--reset", "--scale", "0.05", "--seed", "7", "--today", "2026-06-30")
    assert "Loaded the Liangquan demo" in output
    assert fingerprint() == first
    assert User.objects.filter(username="township-admin").count() == 1
    run_demo("--reset", "--scale", "0.05", "--seed", "8", "--today", "2026-06-30")
    assert fingerprint() != first


def test_demo_writes_its_keys_prints_codes_and_keeps_its_data_when_run_again(
    db, demo_settings, tmp_path, client
):
    """GIVEN no var/local.env WHEN the demo runs THEN it writes a random 32-byte data key,
    encrypts with it, prints an activation code for each admin login; run again without
    --reset, it keeps the data and the key file."""
    output = run_demo("--scale", "0.05")
    path = tmp_path / "local.env"
    text = path.read_text()
    values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert len(base64.b64decode(values["WANGGE_DATA_KEY"])) == 32
    assert len(values["WANGGE_SECRET_KEY"]) >= 50
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    if not os.environ.get("WANGGE_DATA_KEY"):
        assert values["WANGGE_DATA_KEY"] == demo_settings.DATA_KEY
    # Rows written with the new key read back.
    assert parse_id_number(Household.objects.first().head_id_number)
    # The admin logins set up their second login step with a code the demo prints.
    codes = dict(re.findall(r"^\s+([a-z-]+): ([0-9A-Z]{5}-[0-9A-Z]{5})$", output, re.M))
    assert set(codes) == {"township-admin", "sysadmin", "secadmin", "auditadmin"}
    client.post(
        "/accounts/login/", {"username": "sysadmin", "password": demo_settings.DEMO_PASSWORD}
    )
    client.post("/accounts/2fa/", {"activation_code": codes["sysadmin"], "next": "/"})
    assert "<svg" in client.get("/accounts/2fa/").content.decode()

    counts = (Member.objects.count(), Household.objects.count(), User.objects.count())
    again = run_demo("--scale", "0.05")
    assert "already loaded" in again
    assert "Demo-pass-2026" in again
    assert (Member.objects.count(), Household.objects.count(), User.objects.count()) == counts
    assert path.read_text() == text


def test_demo_refuses_in_production(db, demo_settings):
    demo_settings.PRODUCTION = True
    with pytest.raises(CommandError, match="WANGGE_PRODUCTION"):
        run_demo("--scale", "0.05")
    assert not Member.objects.exists()
    with pytest.raises(ImproperlyConfigured):
        create_demo_users(None)
    assert not User.objects.exists()


def test_bad_options_are_explained(db, demo_settings):
    with pytest.raises(CommandError, match="scale"):
        run_demo("--scale", "2")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_demo("--today", "30/06/2026")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_runs_web_and_worker_and_serves_static_with_debug_off(tmp_path, migrated_sqlite):
    """GIVEN a migrated database WHEN `wangge serve` runs with DEBUG off THEN pages and static
    files answer, and stopping it stops the web server and the task consumer."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wangge.settings",
        "WANGGE_VAR_DIR": str(tmp_path),
        "WANGGE_DATABASE_URL": f"sqlite:///{migrated_sqlite}",
        "WANGGE_DEBUG": "0",
        "WANGGE_TESTING": "0",
    }
    env.pop("WANGGE_TEST_DATABASE_URL", None)
    wangge = [sys.executable, "-m", "wangge"]
    subprocess.run([*wangge, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [*wangge, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                login = urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the server did not answer in 120 s"
                time.sleep(0.3)
        assert login.status == 200
        css = urllib.request.urlopen(f"{base}/static/css/wangge.css", timeout=5)
        assert css.status == 200 and b"{" in css.read()
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid), "-a"], capture_output=True, text=True
        ).stdout
        assert "run_huey" in children
    finally:
        server.terminate()
        server.wait(20)
    assert subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True).returncode == 1
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)
