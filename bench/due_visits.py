"""The township dashboard's overdue-visit roll-up at county scale, against hand-written SQL.

Builds Wangjiang County in a throwaway PostgreSQL database — all village-level units of
shared/data, five hamlets and ten villager groups under each, 300,000 households (a third of
them tagged), each paired with a member, and about 1.5 million visits over the past year
(written with ``COPY``) — then times the roll-up a township administrator's visits overview
runs (``visits.selectors.overdue_rollup``: paired households and overdue visits for the
township and each of its villages), interleaved with the same figures in one hand-written SQL
query. Prints p50/p95 and the ratio (target ≤ 1.5).

    .venv/bin/python bench/due_visits.py [--reuse]
        [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench_visits]
"""

import argparse
import csv
import datetime
import io
import random
import sys

from _setup import ROOT, Timer, django_on, fresh_postgres, percentile

HOUSEHOLDS = 300_000
ROUNDS = 30
TODAY = datetime.date(2026, 6, 30)
TOWNSHIP = "340827200"  # Liangquan


def _copy(table: str, columns: str, rows, not_null: str = "") -> None:
    """COPY rows in; ``not_null`` names text columns whose empty values are '' (not NULL)."""
    from django.db import connection

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    options = f", FORCE_NOT_NULL ({not_null})" if not_null else ""
    sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv{options})"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(buffer.getvalue())


def build(rng: random.Random) -> None:
    from django.db import connection

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.core.crypto import encrypt
    from wangge.households.models import Tag
    from wangge.households.seed import seed_tags
    from wangge.party.models import Member, Organisation, OrgCategory, OrgKind
    from wangge.regions.models import Region
    from wangge.visits.services import policies_seed

    divisions = ROOT.parent / "shared" / "data" / "wangjiang-divisions.csv"
    with divisions.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    regions = [Region(code=r["code"], name=r["name"], level=r["level"]) for r in rows]
    villages = [r["code"] for r in rows if r["level"] == "village"]
    groups = []
    for village in villages:
        for h in range(1, 6):
            hamlet = f"{village}{h:03d}"
            regions.append(Region(code=hamlet, name=f"屋场{h}", level="hamlet", parent_id=village))
            for g in range(1, 3):
                code = f"{hamlet}{g:03d}"
                regions.append(Region(code=code, name=f"{g}组", level="group", parent_id=hamlet))
                groups.append(code)
    parents = {r["code"]: r["parent_code"] for r in rows}
    for region in regions:
        if region.parent_id is None and region.code in parents and region.level != "county":
            region.parent_id = parents[region.code]
    Region.objects.bulk_create(regions, batch_size=2000)
    townships = sorted({v[:9] for v in villages})
    seed_tags()
    for township in townships:
        policies_seed(township)
    tags = {t.slug: t.pk for t in Tag.objects.all()}

    # One member per village carries the village's households (load does not matter here).
    members = {}
    for n, village in enumerate(villages):
        org = Organisation.objects.create(
            name=f"{village}支部",
            kind=OrgKind.BRANCH,
            category=OrgCategory.VILLAGE,
            area_id=village,
            area_code=village,
            township_code=village[:9],
        )
        member = Member(
            name=f"党员{n}",
            gender="M",
            birth_date=datetime.date(1970, 1, 1),
            id_number=f"X{n}",
            id_hash=f"bench{n:08d}",
            id_masked="*",
            organisation=org,
        )
        member.area_id = member.area_code = village
        member.township_code = village[:9]
        members[village] = member
    Member.objects.bulk_create(members.values())

    now = datetime.datetime.now(datetime.UTC).isoformat()
    cipher = encrypt("340827195001010000")
    households = []
    for i in range(HOUSEHOLDS):
        area = groups[i % len(groups)]
        households.append(
            [
                f"户主{i}",
                cipher,
                f"h{i:012d}",
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
    columns = (
        "head_name, head_id_number, head_id_hash, head_id_masked, address, phone, phone_masked,"
        " size, note, area_id, township_code, area_code, created_at, updated_at, version"
    )
    _copy("households_household", columns, households, "phone, phone_masked, note")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, area_code FROM households_household ORDER BY id")
        ids = cursor.fetchall()

    # A third tagged: hardship (monthly), petition (fortnightly), low-income (monthly), others.
    links, pairings, visits = [], [], []
    weights = [("hardship", 0.10), ("dispute", 0.04), ("low_income", 0.08), ("migrant", 0.11)]
    interval = {"hardship": 30, "dispute": 14, "low_income": 30}
    for household_id, area in ids:
        days = 90
        for slug, share in weights:
            if rng.random() < share:
                links.append([household_id, tags[slug]])
                days = min(days, interval.get(slug, 90))
        started = TODAY - datetime.timedelta(days=rng.randrange(30, 400))
        member = members[area[:12]]
        pairings.append(
            [member.pk, household_id, started, "", "manual", now, "", area, area[:9], area]
        )
        # A year of visits at about the interval, the last one overdue for one in eight.
        last = TODAY - datetime.timedelta(
            days=days + rng.randrange(1, 30) if rng.random() < 0.125 else rng.randrange(days)
        )
        day = last
        while day >= max(started, TODAY - datetime.timedelta(days=365)):
            visits.append(
                [household_id, member.pk, day, "routine", "", "", "", "", now, area, area[:9], area]
            )
            day -= datetime.timedelta(days=max(1, round(days * rng.uniform(0.35, 0.9))))
    _copy("households_household_tags", "household_id, tag_id", links)
    _copy(
        "pairing_pairing",
        "member_id, household_id, started_on, end_reason, source, created_at, ended_on,"
        " area_id, township_code, area_code",
        pairings,
        "end_reason",
    )
    _copy(
        "visits_visit",
        "household_id, member_id, visited_on, kind, found, needs, photo, client_key, created_at,"
        " area_id, township_code, area_code",
        visits,
        "found, needs, photo, client_key",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    admin = User.objects.create_user(username="bench-admin", password="x")
    RoleAssignment.objects.create(user=admin, role=Role.TOWNSHIP_ADMIN, area_id=TOWNSHIP)
    print(f"  {len(links):,} tag links, {len(pairings):,} pairings, {len(visits):,} visits")


def orm_rollup(user) -> list[tuple]:
    from wangge.visits.selectors import overdue_rollup

    user._wangge_scope = None  # as in a fresh request: the roles are read again
    rollup = overdue_rollup(user, TODAY)
    rows = [(r.code, r.paired, r.overdue) for r in rollup["villages"]]
    return [("", rollup["total"].paired, rollup["total"].overdue), *rows]


# What one would write by hand from the record: the due fields per paired household, then one
# grouped count (the roll-up's own work before the household summaries).
RECORD_SQL = """
WITH due AS (
  SELECT h.area_code,
    (SELECT v.visited_on FROM visits_visit v WHERE v.household_id = h.id
       ORDER BY v.visited_on DESC LIMIT 1) AS last_visit,
    (SELECT min(p.started_on) FROM pairing_pairing p
       WHERE p.household_id = h.id AND p.ended_on IS NULL) AS paired_since,
    COALESCE(
      (SELECT min(vp.interval_days) FROM households_household_tags t
         JOIN visits_visitpolicy vp ON vp.tag_id = t.tag_id AND vp.township_code = h.township_code
         WHERE t.household_id = h.id),
      (SELECT vp.interval_days FROM visits_visitpolicy vp
         WHERE vp.township_code = h.township_code AND vp.tag_id IS NULL),
      90) AS interval_days
  FROM households_household h
  WHERE h.area_code >= %(lo)s AND h.area_code < %(hi)s
    AND EXISTS (SELECT 1 FROM pairing_pairing p WHERE p.household_id = h.id AND p.ended_on IS NULL)
)
SELECT substr(area_code, 1, 12) AS village, count(*) AS paired,
  count(*) FILTER (WHERE (last_visit IS NULL AND paired_since < %(today)s)
                      OR last_visit + interval_days < %(today)s) AS overdue
FROM due GROUP BY ROLLUP (1) ORDER BY 1 NULLS FIRST
"""

# The best by hand now: the households' summaries (``visits.HouseholdSummary``), which the
# database keeps with the record and the roll-up reads.
SUMMARY_SQL = """
SELECT substr(area_code, 1, 12) AS village, count(*) AS paired,
  count(*) FILTER (WHERE due_on < %(today)s) AS overdue
FROM visits_householdsummary
WHERE area_code >= %(lo)s AND area_code < %(hi)s AND paired_since IS NOT NULL
GROUP BY ROLLUP (1) ORDER BY 1 NULLS FIRST
"""


def sql_rollup(sql: str = SUMMARY_SQL) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT role, area_id FROM accounts_roleassignment LIMIT 1")
        cursor.execute(sql, {"lo": TOWNSHIP, "hi": str(int(TOWNSHIP) + 1), "today": TODAY})
        return [(village or "", paired, overdue) for village, paired, overdue in cursor.fetchall()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wangge_bench_visits"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    django_on(args.database_url if args.reuse else fresh_postgres(args.database_url))
    from wangge.accounts.models import User
    from wangge.households.models import Household

    if not Household.objects.exists():
        with Timer() as built:
            build(random.Random(11))
        print(f"built {HOUSEHOLDS:,} households in {built.seconds:.1f} s")
    user = User.objects.get(username="bench-admin")
    orm_rows, sql_rows = orm_rollup(user), sql_rollup()
    assert orm_rows == sql_rows == sql_rollup(RECORD_SQL), (orm_rows[:3], sql_rows[:3])
    print(
        f"township {TOWNSHIP}: {orm_rows[0][1]:,} paired households, {orm_rows[0][2]:,} overdue,"
        f" {len(orm_rows) - 1} villages"
    )
    orm, raw, record = [], [], []
    for _ in range(ROUNDS):  # interleaved so machine noise hits all alike
        with Timer() as t:
            orm_rollup(user)
        orm.append(t.seconds * 1000)
        with Timer() as t:
            sql_rollup()
        raw.append(t.seconds * 1000)
        with Timer() as t:
            sql_rollup(RECORD_SQL)
        record.append(t.seconds * 1000)
    ratio = percentile(orm, 0.5) / percentile(raw, 0.5)
    print(
        f"overdue roll-up  ORM p50 {percentile(orm, 0.5):7.1f} ms"
        f"  p95 {percentile(orm, 0.95):7.1f} ms"
        f" | SQL on the summaries p50 {percentile(raw, 0.5):7.1f} ms"
        f"  p95 {percentile(raw, 0.95):7.1f} ms"
        f" | SQL from the record p50 {percentile(record, 0.5):7.1f} ms"
        f" | ratio {ratio:4.2f} (target ≤ 1.5)"
    )
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
