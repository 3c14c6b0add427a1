"""The epidemic campaign's daily status per grid at county scale, against hand-written SQL.

Builds Wangjiang County in a throwaway PostgreSQL database — all village-level units of
shared/data with five hamlets under each, 3,000 epidemic grids over the hamlets, a county
epidemic campaign of 70 days with 60,000 returnees (a third of them tested, a few positive),
about 7,200 fourteen-day quarantines and their 100,000 daily follow-ups (written with ``COPY``)
— then times the figures of the per-grid daily status page for a county administrator
(``campaigns.epidemic.daily_status``: for one day and every grid, returnees who arrived,
registered so far and, among them, under observation, followed up, positive), interleaved
with the same figures in one hand-written SQL query, and also the whole page as the browser
gets it. Prints
p50/p95 and the ratio (target ≤ 1.5).

    .venv/bin/python bench/campaigns.py [--reuse]
        [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench_campaigns]
"""

import argparse
import csv
import datetime
import io
import random
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
    from django.db import connection

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
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    admin = User.objects.create_user(username="bench-county", password="x")
    RoleAssignment.objects.create(user=admin, role=Role.TOWNSHIP_ADMIN, area_id=COUNTY)
    print(
        f"  {len(grids):,} grids, {len(returnees):,} returnees, {len(tests):,} tests,"
        f" {len(quarantines):,} quarantines, {len(follow_ups):,} follow-ups"
    )


def orm_figures(user, campaign) -> list[tuple]:
    from wangge.campaigns.epidemic import daily_status

    user._wangge_scope = None  # as in a fresh request: the roles are read again
    status = daily_status(user, campaign, DAY)
    keys = ("arrived", "registered", "observed", "done", "positive")
    return [(grid.pk, *(row[k] for k in keys)) for grid, row in status["rows"]]


# What one would write by hand: the scoped grids, each figure grouped by grid, joined once.
SQL = """
WITH g AS (
  SELECT g.id, g.name, g.area_code FROM grids_grid g
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
SELECT g.id, coalesce(r.arrived, 0), coalesce(r.registered, 0), coalesce(q.observed, 0),
       coalesce(q.done, 0), coalesce(p.positive, 0)
FROM g LEFT JOIN r ON r.grid_id = g.id LEFT JOIN q ON q.grid_id = g.id
LEFT JOIN p ON p.grid_id = g.id
ORDER BY g.area_code, g.name
"""


def sql_figures(campaign) -> list[tuple]:
    from django.db import connection

    params = {"lo": COUNTY, "hi": "340828", "day": DAY, "campaign": campaign.pk}
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        return [tuple(row) for row in cursor.fetchall()]


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

    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wangge.accounts.models import User
    from wangge.campaigns.models import Campaign

    if not args.reuse:
        with Timer() as built:
            build(random.Random(12))
        print(f"  built in {built.seconds:.0f} s")
    user = User.objects.get(username="bench-county")
    campaign = Campaign.objects.get(kind="epidemic")
    orm, sql = orm_figures(user, campaign), sql_figures(campaign)
    if orm != sql:
        print("the ORM and the SQL disagree", orm[:3], sql[:3], file=sys.stderr)
        return 1
    # The page as the browser gets it: signed in with the second factor, over HTTPS.
    device = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)[0]
    client = Client(secure=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = f"/campaigns/{campaign.pk}/?day={DAY.isoformat()}"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    times: dict[str, list[float]] = {"orm": [], "sql": [], "page": []}
    for _round in range(args.rounds):
        with Timer() as t:
            orm_figures(user, campaign)
        times["orm"].append(t.seconds)
        with Timer() as t:
            sql_figures(campaign)
        times["sql"].append(t.seconds)
        with Timer() as t:
            client.get(url)
        times["page"].append(t.seconds)
    total = [sum(row[i] for row in orm) for i in range(1, 6)]
    print(f"  {len(orm):,} grids on {DAY}; arrived, registered, observed, done, positive: {total}")
    for name, samples in times.items():
        p50, p95 = percentile(samples, 0.5) * 1000, percentile(samples, 0.95) * 1000
        print(f"  {name:5} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    ratio50 = percentile(times["orm"], 0.5) / percentile(times["sql"], 0.5)
    ratio95 = percentile(times["orm"], 0.95) / percentile(times["sql"], 0.95)
    print(f"  ratio ORM/SQL: p50 {ratio50:.2f}, p95 {ratio95:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
