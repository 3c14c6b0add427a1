"""Monthly scores at county scale, and the indicator drill-down against hand-written SQL.

Builds Wangjiang County in a throwaway PostgreSQL database — every village of shared/data with
one service grid and ``MEMBERS`` grid workers each, five paired households per worker and a
year of visits (written with ``COPY``) — then:

* computes the twelve months of 2026 for every township (``assessment.compute.compute_period``,
  what the monthly Huey job runs) and prints the time per month for the whole county;
* times the drill-down behind one member's "visits on time" indicator (the records the page
  lists, ``scoring.REGISTRY["visits_on_time"].records``) interleaved with the same rows from one
  hand-written SQL query; prints p50/p95 and the ratio (target ≤ 1.5).

    .venv/bin/python bench/scores.py [--members 40] [--reuse [--drill-down-only]] [--rounds 100]
        [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench_scores]
"""

import argparse
import csv
import datetime
import random
import sys

from _setup import ROOT, Timer, django_on, fresh_postgres, percentile
from due_visits import _copy

YEAR = 2026
ROUNDS = 100


def build(rng: random.Random, per_village: int) -> None:
    from django.db import connection

    from wangge.grids.models import Grid, GridMember
    from wangge.grids.services import grid_layers_seed
    from wangge.households.models import Tag
    from wangge.households.seed import seed_tags
    from wangge.party.models import Member, Organisation, OrgCategory, OrgKind
    from wangge.regions.models import Region
    from wangge.visits.services import policies_seed

    divisions = ROOT.parent / "shared" / "data" / "wangjiang-divisions.csv"
    with divisions.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    parents = {r["code"]: r["parent_code"] for r in rows}
    regions = [
        Region(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            parent_id=parents[r["code"]] if r["level"] != "county" else None,
        )
        for r in rows
    ]
    Region.objects.bulk_create(regions, batch_size=2000)
    villages = [r["code"] for r in rows if r["level"] == "village"]
    seed_tags()
    for township in sorted({v[:9] for v in villages}):
        policies_seed(township)
    tags = [t.pk for t in Tag.objects.filter(slug__in=["hardship", "dispute", "low_income"])]
    service = next(layer for layer in grid_layers_seed() if layer.has_levels)
    members, grids = [], []
    for n, village in enumerate(villages):
        org = Organisation.objects.create(
            name=f"{village}支部",
            kind=OrgKind.BRANCH,
            category=OrgCategory.VILLAGE,
            area_id=village,
            area_code=village,
            township_code=village[:9],
        )
        grid = Grid(layer=service, name=f"网格{n}", level=2)
        grid.set_area(Region(code=village))
        grid.area_id = village
        grids.append(grid)
        for k in range(per_village):
            member = Member(
                name=f"党员{n}-{k}",
                gender="M",
                birth_date=datetime.date(1970, 1, 1),
                id_number=f"X{n}-{k}",
                id_hash=f"bench{n:05d}{k:04d}",
                id_masked="*",
                organisation=org,
            )
            member.area_id = member.area_code = village
            member.township_code = village[:9]
            members.append(member)
    Member.objects.bulk_create(members, batch_size=2000)
    Grid.objects.bulk_create(grids)
    grid_of = {g.area_code: g.pk for g in Grid.objects.all()}
    GridMember.objects.bulk_create(
        [GridMember(grid_id=grid_of[m.area_code], member=m) for m in members], batch_size=2000
    )
    now = datetime.datetime.now(datetime.UTC).isoformat()
    households = [
        [
            f"户主{i}",
            "x",
            f"h{i:012d}",
            "*",
            f"地址{i}",
            "",
            "",
            3,
            "",
            m.area_code,
            m.area_code[:9],
            m.area_code,
            now,
            now,
            1,
        ]
        for i, m in enumerate(mm for mm in members for _ in range(5))
    ]
    columns = (
        "head_name, head_id_number, head_id_hash, head_id_masked, address, phone, phone_masked,"
        " size, note, area_id, township_code, area_code, created_at, updated_at, version"
    )
    _copy("households_household", columns, households, "phone, phone_masked, note")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM households_household ORDER BY id")
        ids = [r[0] for r in cursor.fetchall()]
    links, pairings, visits = [], [], []
    for i, household_id in enumerate(ids):
        member = members[i // 5]
        area = member.area_code
        days = 90
        if rng.random() < 0.2:
            links.append([household_id, rng.choice(tags)])
            days = 30
        started = datetime.date(YEAR - 1, rng.randrange(1, 13), 1)
        pairings.append(
            [member.pk, household_id, started, "", "manual", now, "", area, area[:9], area]
        )
        day = datetime.date(YEAR, 12, 31) - datetime.timedelta(days=rng.randrange(days))
        while day.year >= YEAR:
            visits.append(
                [household_id, member.pk, day, "routine", "", "", "", "", now, area, area[:9], area]
            )
            day -= datetime.timedelta(days=round(days * rng.uniform(0.5, 1.3)))
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
    print(
        f"  {len(members):,} grid workers, {len(pairings):,} pairings, {len(visits):,} visits,"
        f" {len(villages)} villages"
    )


# The same rows by hand: the member's standing pairings with household, last visit before
# the period's end and interval (shortest tag policy, else the township default, else 90).
SQL = """
SELECT h.head_name, h.address, p.started_on,
  (SELECT max(v.visited_on) FROM visits_visit v
     WHERE v.household_id = p.household_id AND v.visited_on < %(end)s) AS last,
  COALESCE(
    (SELECT min(vp.interval_days) FROM households_household_tags t
       JOIN visits_visitpolicy vp ON vp.tag_id = t.tag_id AND vp.township_code = %(t)s
      WHERE t.household_id = p.household_id),
    (SELECT vp.interval_days FROM visits_visitpolicy vp
      WHERE vp.township_code = %(t)s AND vp.tag_id IS NULL LIMIT 1),
    90) AS days
FROM pairing_pairing p JOIN households_household h ON h.id = p.household_id
WHERE p.member_id = %(m)s AND p.township_code = %(t)s AND p.started_on <= %(last)s
  AND (p.ended_on IS NULL OR p.ended_on > %(last)s)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=40, help="grid workers per village")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="drill-down samples")
    parser.add_argument(
        "--drill-down-only", action="store_true", help="with --reuse: skip the months"
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wangge_bench_scores"
    )
    args = parser.parse_args()
    if not args.reuse:
        fresh_postgres(args.database_url)
    django_on(args.database_url)
    from django.db import connection

    from wangge.assessment.compute import compute_period
    from wangge.assessment.models import Score, ScoreApproval, Talk
    from wangge.assessment.scoring import REGISTRY
    from wangge.core.periods import month_period
    from wangge.party.models import Member

    if not args.reuse:
        with Timer() as t:
            build(random.Random(7), args.members)
        print(f"built in {t.seconds:.0f} s")
    townships = sorted(set(Member.objects.values_list("township_code", flat=True)))
    per_month = []
    if not args.drill_down_only:
        ScoreApproval.objects.all().delete()
        Talk.objects.all().delete()
        Score.objects.all().delete()
    for month in range(1, 13) if not args.drill_down_only else ():
        period = month_period(YEAR, month)
        with Timer() as t:
            for township in townships:
                compute_period(township_code=township, period=period)
        per_month.append(t.seconds)
    scores = Score.objects.filter(period_key=f"{YEAR}-06").count()
    print(
        ""
        if args.drill_down_only
        else f"scores: {len(townships)} townships, {scores:,} scores a month; per month (county)"
        f" p50 {percentile(per_month, 0.5):.2f} s, max {max(per_month):.2f} s"
    )

    period = month_period(YEAR, 11)
    records = REGISTRY["visits_on_time"].records
    rng = random.Random(3)
    sample = rng.sample(list(Member.objects.all()), args.rounds)
    orm, sql = [], []
    for member in sample:
        with Timer() as t:
            rows = records(member, period)
        orm.append(t.seconds)
        with Timer() as t, connection.cursor() as cursor:
            cursor.execute(
                SQL,
                {
                    "m": member.pk,
                    "t": member.township_code,
                    "end": period.end,
                    "last": period.last_day,
                },
            )
            hand = cursor.fetchall()
        sql.append(t.seconds)
        if len(hand) != len(rows):
            sys.exit(f"mismatch for member {member.pk}: {len(rows)} rows vs {len(hand)}")
    p95_orm, p95_sql = percentile(orm, 0.95), percentile(sql, 0.95)
    p50_orm, p50_sql = percentile(orm, 0.5), percentile(sql, 0.5)
    print(
        f"drill-down (visits on time, one member): p50 {percentile(orm, 0.5) * 1000:.1f} ms,"
        f" p95 {p95_orm * 1000:.1f} ms; SQL p50 {percentile(sql, 0.5) * 1000:.1f} ms,"
        f" p95 {p95_sql * 1000:.1f} ms; ratio p50 {p50_orm / p50_sql:.2f},"
        f" p95 {p95_orm / p95_sql:.2f} (target ≤ 1.5)"
    )


if __name__ == "__main__":
    main()
