"""A county's campaigns at scale, against hand-written SQL: the epidemic daily status and the
flood dashboard.

Builds Wangjiang County in a throwaway PostgreSQL database — all village-level units of
shared/data with five hamlets under each, 3,000 epidemic grids over the hamlets, 300,000
households in them, a county epidemic campaign of 70 days with 60,000 returnees (a third of
them tested, a few positive), about 7,200 fourteen-day quarantines and their 100,000 daily
follow-ups, and a county flood campaign (a branch, 60 members and 120 volunteers per village,
272 dike sections, 408 teams, 100,000 turn-outs, 600 incidents), all written with ``COPY`` —
then times, for a county administrator, interleaved round by round:

- the daily status page's figures at county level (``campaigns.epidemic.daily_status`` by
  village: for one day, returnees who arrived, registered so far and, among them, under
  observation, followed up, positive), against one hand-written SQL query;
- the same for one village's grids (the page a village's name opens);
- the flood dashboard's figures (``campaigns.turnouts.dashboard``: turn-outs, distinct members
  and volunteers, hours, incidents, per village), against one hand-written SQL query;

and each whole page as the browser gets it. The ORM's and the SQL's figures must agree, and the
pages must show them, before timing. Prints p50/p95 and the ratios (target ≤ 1.5). A part of
the database missing under ``--reuse`` is built then.

    .venv/bin/python bench/campaigns.py [--reuse] [--rounds 30]
        [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench_campaigns]
"""

import argparse
import csv
import datetime
import io
import random
import re
import sys

from _setup import ROOT, Timer, django_on, fresh_postgres, percentile

GRIDS = 3_000
RETURNEES = 60_000
FOLLOW_UPS = 100_000
ROUNDS = 30
FIRST = datetime.date(2020, 1, 25)
DAYS = 70
DAY = FIRST + datetime.timedelta(days=30)  # the day the page shows (looking back)
COUNTY = "340827"


def _copy(table: str, columns: str, rows, not_null: str = "") -> None:
    from django.db import connection

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    options = f", FORCE_NOT_NULL ({not_null})" if not_null else ""
    sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv{options})"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def _ids(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def build(rng: random.Random) -> None:

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.campaigns.models import Campaign, CampaignKind
    from wangge.core.crypto import encrypt
    from wangge.grids.models import GridLayer
    from wangge.grids.services import grid_layers_seed
    from wangge.regions.models import Region

    divisions = ROOT.parent / "shared" / "data" / "wangjiang-divisions.csv"
    with divisions.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    parents = {r["code"]: r["parent_code"] for r in rows}
    regions = [Region(code=r["code"], name=r["name"], level=r["level"]) for r in rows]
    for region in regions:
        if region.level != "county":
            region.parent_id = parents[region.code]
    villages = [r["code"] for r in rows if r["level"] == "village"]
    hamlets = [f"{v}{h:03d}" for v in villages for h in range(1, 6)]
    regions += [
        Region(code=h, name=f"屋场{h[-1]}", level="hamlet", parent_id=h[:12]) for h in hamlets
    ]
    Region.objects.bulk_create(regions, batch_size=2000)
    grid_layers_seed()
    layer = GridLayer.objects.get(slug="epidemic")
    now = datetime.datetime.now(datetime.UTC).isoformat()
    grids = []
    for n in range(GRIDS):
        hamlet = hamlets[n % len(hamlets)]
        grids.append(
            [layer.pk, f"{hamlet[-6:]}-{n}号防疫网格", hamlet, hamlet[:9], hamlet, now, now, 1]
        )
    _copy(
        "grids_grid",
        "layer_id, name, area_id, township_code, area_code, created_at, updated_at, version",
        grids,
    )
    grid_rows = _ids("SELECT id, area_code FROM grids_grid ORDER BY id")
    campaign = Campaign(
        name="县疫情防控",
        kind=CampaignKind.EPIDEMIC,
        starts_on=FIRST,
        ends_on=FIRST + datetime.timedelta(days=DAYS - 1),
        collects_opinions=False,
    )
    campaign.set_area(Region.objects.get(code=COUNTY))
    campaign.save()

    cipher, masked = encrypt("13912345678"), "139****5678"
    returnees = []
    for n in range(RETURNEES):
        grid_id, area = grid_rows[n % len(grid_rows)]
        arrived = FIRST + datetime.timedelta(days=rng.randrange(-10, DAYS - 14))
        risk = rng.choice(["low", "low", "medium", "high"])
        returnees.append(
            [
                campaign.pk,
                grid_id,
                f"返乡{n}",
                cipher,
                masked,
                "上海",
                risk,
                arrived,
                "member",
                area,
                area[:9],
                area,
                now,
                now,
                1,
            ]
        )
    _copy(
        "campaigns_returnee",
        "campaign_id, grid_id, name, phone, phone_masked, origin, risk, arrived_on, channel,"
        " area_id, township_code, area_code, created_at, updated_at, version",
        returnees,
    )
    people = _ids("SELECT id, arrived_on FROM campaigns_returnee ORDER BY id")
    tests = []
    for returnee_id, arrived in people:
        if rng.random() < 0.33:
            result = "positive" if rng.random() < 0.003 else "negative"
            tests.append([returnee_id, arrived + datetime.timedelta(days=1), result, now])
    _copy("campaigns_labresult", "returnee_id, tested_on, result, created_at", tests)
    chosen = rng.sample(people, FOLLOW_UPS // 14 + 1)
    quarantines = [
        [returnee_id, "home", arrived, arrived + datetime.timedelta(days=13), now]
        for returnee_id, arrived in chosen
    ]
    _copy(
        "campaigns_quarantine",
        "returnee_id, kind, starts_on, ends_on, created_at",
        quarantines,
    )
    follow_ups = []
    for quarantine_id, starts in _ids("SELECT id, starts_on FROM campaigns_quarantine"):
        for d in range(14):
            day = starts + datetime.timedelta(days=d)
            # The page looks back at a day of the finished campaign: a fifth of that day's
            # follow-ups were missed.
            if day == DAY and rng.random() < 0.2:
                continue
            follow_ups.append([quarantine_id, day, "36.5", "无异常", now])
    _copy(
        "campaigns_followup",
        "quarantine_id, day, temperature, condition, created_at",
        follow_ups,
        "condition",
    )
    admin = User.objects.create_user(username="bench-county", password="x")
    RoleAssignment.objects.create(user=admin, role=Role.TOWNSHIP_ADMIN, area_id=COUNTY)
    print(
        f"  {len(grids):,} grids, {len(returnees):,} returnees, {len(tests):,} tests,"
        f" {len(quarantines):,} quarantines, {len(follow_ups):,} follow-ups"
    )


HOUSEHOLDS = 300_000


def build_households() -> None:
    """The county's 300,000 households, each in the epidemic grid of its hamlet (the grids'
    rosters of households, ``grids_gridhousehold``): the scale the page runs at, though none
    of the figures timed here reads them."""
    from wangge.core.crypto import encrypt

    now = datetime.datetime.now(datetime.UTC).isoformat()
    grids: dict[str, list[int]] = {}
    for pk, area in _ids("SELECT id, area_code FROM grids_grid ORDER BY id"):
        grids.setdefault(area, []).append(pk)
    hamlets = sorted(grids)
    cipher = encrypt("340827195001010000")
    rows = []
    for i in range(HOUSEHOLDS):
        area = hamlets[i % len(hamlets)]
        rows.append(
            [
                f"户主{i}",
                cipher,
                f"c{i:012d}",
                "*",
                f"地址{i}",
                "",
                "",
                3,
                "",
                area,
                area[:9],
                area,
                now,
                now,
                1,
            ]
        )
    _copy(
        "households_household",
        "head_name, head_id_number, head_id_hash, head_id_masked, address, phone, phone_masked,"
        " size, note, area_id, township_code, area_code, created_at, updated_at, version",
        rows,
        "phone, phone_masked, note",
    )
    layer = _ids("SELECT id FROM grids_gridlayer WHERE slug = 'epidemic'")[0][0]
    links = [
        [grids[area][pk % len(grids[area])], pk, layer]
        for pk, area in _ids("SELECT id, area_code FROM households_household")
    ]
    _copy("grids_gridhousehold", "grid_id, household_id, layer_id", links)
    print(f"  {len(rows):,} households in {len(links):,} grid places")


MEMBERS_PER_VILLAGE = 60
PERSONS_PER_VILLAGE = 120
TURNOUTS = 100_000
INCIDENTS = 600
FLOOD_FIRST = datetime.date(2020, 7, 1)
FLOOD_DAYS = 60


def build_flood(rng: random.Random) -> None:
    """A county flood campaign: a branch, its members and volunteers (persons) in every
    village, two dike sections per village held by its branch, three teams per village (one of
    them sent to a front-line village), 100,000 turn-outs (about a third by Party members) and
    600 incidents."""

    from wangge.campaigns.models import Campaign, CampaignKind
    from wangge.core.crypto import encrypt
    from wangge.regions.models import Region

    now = datetime.datetime.now(datetime.UTC).isoformat()
    villages = list(
        Region.objects.filter(level="village", code__startswith=COUNTY)
        .order_by("code")
        .values_list("code", flat=True)
    )
    _copy(
        "party_organisation",
        "area_code, township_code, name, kind, category, area_id",
        [[v, v[:9], f"{v}党支部", "branch", "village", v] for v in villages],
    )
    branch = dict(_ids("SELECT area_code, id FROM party_organisation WHERE kind = 'branch'"))
    cipher = encrypt("")
    members = []
    for v in villages:
        for n in range(MEMBERS_PER_VILLAGE):
            members.append(
                [
                    v,
                    v[:9],
                    now,
                    now,
                    1,
                    f"党员{v[-3:]}{n}",
                    "MF"[n % 2],
                    "1970-01-01",
                    cipher,
                    f"bench-{v}-{n}",
                    "340827********0000",
                    cipher,
                    "",
                    False,
                    "",
                    v,
                    branch[v],
                ]
            )
    _copy(
        "party_member",
        "area_code, township_code, created_at, updated_at, version, name, gender, birth_date,"
        " id_number, id_hash, id_masked, phone, phone_masked, is_mobile, mobile_whereabouts,"
        " area_id, organisation_id",
        members,
        "phone_masked, mobile_whereabouts",
    )
    persons = [
        [v, v[:9], now, now, 1, f"群众{v[-3:]}{n}", cipher, "", v]
        for v in villages
        for n in range(PERSONS_PER_VILLAGE)
    ]
    _copy(
        "grids_person",
        "area_code, township_code, created_at, updated_at, version, name, phone, phone_masked,"
        " area_id",
        persons,
        "phone_masked",
    )
    campaign = Campaign(
        name="县防汛抗洪",
        kind=CampaignKind.FLOOD,
        starts_on=FLOOD_FIRST,
        ends_on=FLOOD_FIRST + datetime.timedelta(days=FLOOD_DAYS - 1),
        collects_opinions=False,
    )
    campaign.set_area(Region.objects.get(code=COUNTY))
    campaign.save()
    front = villages[::4]  # a quarter of the villages lie on the river
    _copy(
        "campaigns_dikesection",
        "area_code, township_code, name, place, area_id, campaign_id, organisation_id",
        [
            [v, v[:9], f"{v[-6:]}-{n}号堤段", "长300米", v, campaign.pk, branch[v]]
            for v in front
            for n in range(1, 9)
        ],
    )
    teams = []
    for i, v in enumerate(villages):
        for n, kind in enumerate(("commando", "vanguard", "volunteer")):
            serves = v if v in front and n < 2 else front[(i + n) % len(front)]
            teams.append([v, v[:9], f"{v[-6:]}{kind}", kind, now, v, campaign.pk, serves])
    _copy(
        "campaigns_team",
        "area_code, township_code, name, kind, created_at, area_id, campaign_id, serves_id",
        teams,
    )
    sections: dict[str, list[int]] = {}
    for pk, area in _ids("SELECT id, area_code FROM campaigns_dikesection"):
        sections.setdefault(area, []).append(pk)
    team_rows = _ids("SELECT id, area_code, serves_id FROM campaigns_team ORDER BY id")
    member_ids: dict[str, list[int]] = {}
    for pk, area in _ids("SELECT id, area_code FROM party_member"):
        member_ids.setdefault(area, []).append(pk)
    person_ids: dict[str, list[int]] = {}
    for pk, area in _ids("SELECT id, area_code FROM grids_person"):
        person_ids.setdefault(area, []).append(pk)
    seen = set()
    turnouts = []
    while len(turnouts) < TURNOUTS:
        team, home, serves = rng.choice(team_rows)
        member = rng.random() < 0.33
        worker = rng.choice((member_ids if member else person_ids)[home])
        section = rng.choice(sections[serves])
        day = FLOOD_FIRST + datetime.timedelta(days=rng.randrange(FLOOD_DAYS))
        key = (member, worker, day, section)
        if key in seen:
            continue
        seen.add(key)
        hours = rng.choice(("4.0", "6.0", "8.0", "12.0"))
        turnouts.append(
            [
                serves,
                serves[:9],
                home,
                day,
                hours,
                "巡堤",
                "",
                False,
                now,
                serves,
                campaign.pk,
                worker if member else "",
                "" if member else worker,
                section,
                team,
                1,
            ]
        )
    _copy(
        "campaigns_turnout",
        "area_code, township_code, home_code, day, hours, task, note, self_reported,"
        " created_at, area_id, campaign_id, member_id, person_id, section_id, team_id, version",
        turnouts,
        "note",
    )
    incidents = []
    for n in range(INCIDENTS):
        v = rng.choice(front)
        day = FLOOD_FIRST + datetime.timedelta(days=rng.randrange(FLOOD_DAYS))
        incidents.append([v, v[:9], "incident", day, "堤段", f"管涌{n}", "", now, v, campaign.pk])
    _copy(
        "campaigns_dutylog",
        "area_code, township_code, kind, day, place, text, photo, created_at, area_id, campaign_id",
        incidents,
        "photo",
    )
    print(
        f"  flood: {len(members):,} members, {len(persons):,} persons, {len(teams):,} teams,"
        f" {sum(map(len, sections.values())):,} sections, {len(turnouts):,} turn-outs,"
        f" {len(incidents):,} incidents"
    )


def orm_figures(user, campaign) -> list[tuple]:
    """The county page's figures: a row per village (the page opens a village's grids)."""
    from wangge.campaigns.epidemic import daily_status

    user._wangge_scope = None  # as in a fresh request: the roles are read again
    status = daily_status(user, campaign, DAY, by_village=True)
    keys = ("arrived", "registered", "observed", "done", "positive")
    return [(where.code, where.name, *(row[k] for k in keys)) for where, row in status["rows"]]


# What one would write by hand: the scoped grids, each figure grouped by grid, joined once,
# summed per village with the village's name.
SQL = """
WITH g AS (
  SELECT g.id, substring(g.area_code, 1, 12) AS village FROM grids_grid g
  JOIN grids_gridlayer l ON l.id = g.layer_id
  WHERE l.slug = 'epidemic' AND g.area_code >= %(lo)s AND g.area_code < %(hi)s
), r AS (
  SELECT grid_id, count(*) FILTER (WHERE arrived_on = %(day)s) AS arrived,
         count(*) AS registered
  FROM campaigns_returnee
  WHERE campaign_id = %(campaign)s AND arrived_on <= %(day)s
  GROUP BY grid_id
), q AS (
  SELECT r.grid_id, count(*) AS observed, count(f.id) AS done
  FROM campaigns_quarantine q
  JOIN campaigns_returnee r ON r.id = q.returnee_id
  LEFT JOIN campaigns_followup f ON f.quarantine_id = q.id AND f.day = %(day)s
  WHERE r.campaign_id = %(campaign)s AND r.arrived_on <= %(day)s
    AND q.starts_on <= %(day)s AND q.ends_on >= %(day)s
  GROUP BY r.grid_id
), p AS (
  SELECT r.grid_id, count(DISTINCT t.returnee_id) AS positive
  FROM campaigns_labresult t JOIN campaigns_returnee r ON r.id = t.returnee_id
  WHERE r.campaign_id = %(campaign)s AND r.arrived_on <= %(day)s
    AND t.result = 'positive' AND t.tested_on <= %(day)s
  GROUP BY r.grid_id
)
SELECT g.village, v.name, sum(coalesce(r.arrived, 0))::int, sum(coalesce(r.registered, 0))::int,
       sum(coalesce(q.observed, 0))::int, sum(coalesce(q.done, 0))::int,
       sum(coalesce(p.positive, 0))::int
FROM g JOIN regions_region v ON v.code = g.village
LEFT JOIN r ON r.grid_id = g.id LEFT JOIN q ON q.grid_id = g.id
LEFT JOIN p ON p.grid_id = g.id
GROUP BY g.village, v.name
ORDER BY g.village
"""


def orm_village(user, campaign, village: str) -> list[tuple]:
    """One village's page: a row per grid."""
    from wangge.campaigns.epidemic import daily_status

    user._wangge_scope = None
    status = daily_status(user, campaign, DAY, village=village)
    keys = ("arrived", "registered", "observed", "done", "positive")
    return [(grid.pk, grid.name, *(row[k] for k in keys)) for grid, row in status["rows"]]


# One village's grids by hand: the village's grids first, then only their returnees.
VILLAGE_SQL = """
WITH g AS (
  SELECT g.id, g.name, g.area_code FROM grids_grid g
  JOIN grids_gridlayer l ON l.id = g.layer_id
  WHERE l.slug = 'epidemic' AND g.area_code >= %(lo)s AND g.area_code < %(hi)s
), r AS (
  SELECT grid_id, count(*) FILTER (WHERE arrived_on = %(day)s) AS arrived,
         count(*) AS registered
  FROM campaigns_returnee
  WHERE campaign_id = %(campaign)s AND arrived_on <= %(day)s AND grid_id IN (SELECT id FROM g)
  GROUP BY grid_id
), q AS (
  SELECT r.grid_id, count(*) AS observed, count(f.id) AS done
  FROM campaigns_quarantine q
  JOIN campaigns_returnee r ON r.id = q.returnee_id
  LEFT JOIN campaigns_followup f ON f.quarantine_id = q.id AND f.day = %(day)s
  WHERE r.campaign_id = %(campaign)s AND r.arrived_on <= %(day)s
    AND r.grid_id IN (SELECT id FROM g)
    AND q.starts_on <= %(day)s AND q.ends_on >= %(day)s
  GROUP BY r.grid_id
), p AS (
  SELECT r.grid_id, count(DISTINCT t.returnee_id) AS positive
  FROM campaigns_labresult t JOIN campaigns_returnee r ON r.id = t.returnee_id
  WHERE r.campaign_id = %(campaign)s AND r.arrived_on <= %(day)s
    AND r.grid_id IN (SELECT id FROM g)
    AND t.result = 'positive' AND t.tested_on <= %(day)s
  GROUP BY r.grid_id
)
SELECT g.id, g.name, coalesce(r.arrived, 0), coalesce(r.registered, 0),
       coalesce(q.observed, 0), coalesce(q.done, 0), coalesce(p.positive, 0)
FROM g LEFT JOIN r ON r.grid_id = g.id LEFT JOIN q ON q.grid_id = g.id
LEFT JOIN p ON p.grid_id = g.id
ORDER BY g.area_code, g.name
"""


def sql_village(campaign, village: str) -> list[tuple]:
    from django.db import connection

    upper = str(int(village) + 1)
    params = {"lo": village, "hi": upper, "day": DAY, "campaign": campaign.pk}
    with connection.cursor() as cursor:
        cursor.execute(VILLAGE_SQL, params)
        return [tuple(row) for row in cursor.fetchall()]


def sql_figures(campaign) -> list[tuple]:
    from django.db import connection

    params = {"lo": COUNTY, "hi": "340828", "day": DAY, "campaign": campaign.pk}
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        return [tuple(row) for row in cursor.fetchall()]


def orm_board(user, campaign) -> list[tuple]:
    """The flood dashboard's figures for the county: the whole, the incidents, per village."""
    from wangge.campaigns.turnouts import dashboard

    user._wangge_scope = None
    board = dashboard(user, campaign)
    keys = ("turnouts", "member_workers", "person_workers", "hours")
    figures = board["figures"]
    rows = [("", "", *(figures[k] for k in keys), figures["incidents"])]
    return rows + [
        (row["code"], row["name"], *(row[k] for k in keys), None) for row in board["villages"]
    ]


# By hand: one scan of the campaign's turn-outs in the county (worked there or by its people),
# grouped per village and as a whole at once (GROUPING SETS), the villages' names joined, the
# incidents counted beside the whole.
BOARD_SQL = """
WITH t AS (
  SELECT substring(area_code, 1, 12) AS village, count(*) AS n,
         count(DISTINCT member_id) AS members, count(DISTINCT person_id) AS persons,
         sum(hours) AS hours
  FROM campaigns_turnout
  WHERE campaign_id = %(campaign)s AND ((area_code >= %(lo)s AND area_code < %(hi)s)
    OR (home_code >= %(lo)s AND home_code < %(hi)s))
  GROUP BY GROUPING SETS ((substring(area_code, 1, 12)), ())
)
SELECT coalesce(t.village, ''), coalesce(r.name, ''), t.n, t.members, t.persons, t.hours,
       CASE WHEN t.village IS NULL THEN (
         SELECT count(*) FROM campaigns_dutylog
         WHERE campaign_id = %(campaign)s AND kind = 'incident'
           AND area_code >= %(lo)s AND area_code < %(hi)s) END
FROM t LEFT JOIN regions_region r ON r.code = t.village
ORDER BY t.village NULLS FIRST
"""


def sql_board(campaign) -> list[tuple]:
    from django.db import connection

    params = {"lo": COUNTY, "hi": "340828", "campaign": campaign.pk}
    with connection.cursor() as cursor:
        cursor.execute(BOARD_SQL, params)
        return [tuple(row) for row in cursor.fetchall()]


def _client(user):
    """A client signed in as ``user`` with the second factor, over HTTPS."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)[0]
    client = Client(secure=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _report(times: dict[str, list[float]], orm: str, sql: str) -> None:
    for name, samples in times.items():
        p50, p95 = percentile(samples, 0.5) * 1000, percentile(samples, 0.95) * 1000
        print(f"  {name:12} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    ratio50 = percentile(times[orm], 0.5) / percentile(times[sql], 0.5)
    ratio95 = percentile(times[orm], 0.95) / percentile(times[sql], 0.95)
    print(f"  ratio {orm}/{sql}: p50 {ratio50:.2f}, p95 {ratio95:.2f} (target <= 1.5)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wangge_bench_campaigns"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database built last time")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if not args.reuse:
        fresh_postgres(args.database_url)
    django_on(args.database_url)

    from django.db import connection, transaction

    from wangge.accounts.models import User
    from wangge.campaigns.models import Campaign
    from wangge.households.models import Household

    # Each part is built when missing, so ``--reuse`` completes a database built by an
    # earlier version of this script.
    parts = [(lambda: not args.reuse, "epidemic campaign", lambda: build(random.Random(12)))]
    parts += [
        (lambda: not Household.objects.exists(), "households", build_households),
        (
            lambda: not Campaign.objects.filter(kind="flood").exists(),
            "flood campaign",
            lambda: build_flood(random.Random(13)),
        ),
    ]
    for missing, name, build_part in parts:
        if missing():
            with Timer() as built, transaction.atomic():
                build_part()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"  {name} built in {built.seconds:.0f} s")
    user = User.objects.get(username="bench-county")
    epidemic = Campaign.objects.get(kind="epidemic")
    flood = Campaign.objects.get(kind="flood")
    orm, sql = orm_figures(user, epidemic), sql_figures(epidemic)
    if orm != sql:
        print("status: the ORM and the SQL disagree", orm[:3], sql[:3], file=sys.stderr)
        return 1
    village = max(orm, key=lambda row: row[3])[0]  # the village with most returnees
    grids, grids_sql = orm_village(user, epidemic, village), sql_village(epidemic, village)
    if grids != grids_sql:
        print("village: the ORM and the SQL disagree", grids[:3], grids_sql[:3], file=sys.stderr)
        return 1
    board, board_sql = orm_board(user, flood), sql_board(flood)
    if board != board_sql:
        print("dashboard: the ORM and the SQL disagree", board[:3], board_sql[:3], file=sys.stderr)
        return 1
    client = _client(user)
    status_url = f"/campaigns/{epidemic.pk}/?day={DAY.isoformat()}"
    village_url = f"{status_url}&village={village}"
    board_url = f"/campaigns/{flood.pk}/"
    for url in (status_url, village_url, board_url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    # The pages show the same figures.
    registered = re.search(r'data-figure="registered"[^>]*>(\d+)<', client.get(status_url).text)
    assert int(registered.group(1)) == sum(row[3] for row in sql), registered
    assert f'data-figure="turnouts">{board_sql[0][2]}<' in client.get(board_url).text
    # The county page is a row per village; the busiest village's view lists its teams.
    front = max(board_sql[1:], key=lambda row: row[2])[0]
    front_url = f"{board_url}?village={front}"
    sizes = {url: len(client.get(url).content) for url in (board_url, front_url)}
    status: dict[str, list[float]] = {"status ORM": [], "status SQL": [], "status page": []}
    one: dict[str, list[float]] = {"village ORM": [], "village SQL": [], "village page": []}
    dash: dict[str, list[float]] = {
        "board ORM": [],
        "board SQL": [],
        "board page": [],
        "front page": [],
    }
    steps = (
        (status["status ORM"], lambda: orm_figures(user, epidemic)),
        (status["status SQL"], lambda: sql_figures(epidemic)),
        (status["status page"], lambda: client.get(status_url)),
        (one["village ORM"], lambda: orm_village(user, epidemic, village)),
        (one["village SQL"], lambda: sql_village(epidemic, village)),
        (one["village page"], lambda: client.get(village_url)),
        (dash["board ORM"], lambda: orm_board(user, flood)),
        (dash["board SQL"], lambda: sql_board(flood)),
        (dash["board page"], lambda: client.get(board_url)),
        (dash["front page"], lambda: client.get(front_url)),
    )
    for _round in range(args.rounds):
        for samples, step in steps:
            with Timer() as t:
                step()
            samples.append(t.seconds)
    total = [sum(row[i] for row in orm) for i in range(2, 7)]
    print(
        f"  daily status on {DAY} over {len(orm)} villages; arrived, registered, observed,"
        f" done, positive: {total}"
    )
    _report(status, "status ORM", "status SQL")
    print(f"  village {village}: {len(grids)} grids, {sum(row[3] for row in grids)} registered")
    _report(one, "village ORM", "village SQL")
    whole = board[0]
    print(
        f"  flood dashboard over {len(board) - 1} villages: {whole[2]:,} turn-outs,"
        f" {whole[3]:,} members + {whole[4]:,} persons, {whole[5]} hours, {whole[6]} incidents"
    )
    _report(dash, "board ORM", "board SQL")
    print(
        f"  county page {sizes[board_url] / 1024:.0f} KiB;"
        f" village {front}'s view {sizes[front_url] / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
