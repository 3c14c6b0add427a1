"""Scoped household list and count at county scale, against the same query in hand-written SQL.

Builds Wangjiang County (all 136 village-level units from shared/data, hamlets and groups
below them, ~300,000 households) in a throwaway PostgreSQL database, then times the
first page of the household list (50 rows, area joined) plus its count, as the page runs
it (scope funnel + selector + paginator), for a village secretary and for a township
administrator, interleaved with the hand-written SQL. Prints p50/p95 and the ratio.

    .venv/bin/python bench/scoped_lists.py [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench]
"""

import argparse
import csv
import datetime
import io
import random
import sys

from _setup import ROOT, Timer, django_on, fresh_postgres, percentile

HOUSEHOLDS = 300_000
ROUNDS = 60


def build(rng: random.Random) -> None:
    from django.db import connection

    from wangge.accounts.models import Role, RoleAssignment, User
    from wangge.core.crypto import blind_index, encrypt
    from wangge.core.identity import check_character, mask_id, mask_phone
    from wangge.regions.models import Region

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

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    for i in range(HOUSEHOLDS):
        area = groups[i % len(groups)]
        first17 = f"340827{1940 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        idn = first17 + check_character(first17)
        phone = f"13{rng.randrange(10**9):09d}"
        writer.writerow(
            [
                f"户主{i}",
                encrypt(idn),
                f"{blind_index(idn)[:30]}{i:010d}",
                mask_id(idn),
                f"地址{i}",
                encrypt(phone),
                mask_phone(phone),
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
    buffer.seek(0)
    columns = (
        "head_name, head_id_number, head_id_hash, head_id_masked, address, phone, phone_masked,"
        " size, note, area_id, township_code, area_code, created_at, updated_at, version"
    )
    with connection.cursor() as cursor:
        sql = (
            f"COPY households_household ({columns}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (note))"
        )
        with cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())
        cursor.execute("ANALYZE")
    secretary = User.objects.create_user(username="bench-secretary", password="x")
    RoleAssignment.objects.create(
        user=secretary, role=Role.VILLAGE_SECRETARY, area_id="340827200200"
    )
    admin = User.objects.create_user(username="bench-admin", password="x")
    RoleAssignment.objects.create(user=admin, role=Role.TOWNSHIP_ADMIN, area_id="340827200")


def orm_page(user) -> int:
    from django.core.paginator import Paginator

    from wangge.households.selectors import HouseholdFilters, household_list

    user._wangge_scope = None  # as in a fresh request: the roles are read again
    page = Paginator(household_list(user, HouseholdFilters()), 50).get_page(1)
    rows = [(h.pk, h.head_name, h.area.name) for h in page]
    return page.paginator.count + len(rows)


# What one would write by hand: the prefix as a range, so the B-tree index serves both
# the filter and the ORDER BY (the scope funnel emits the same predicate).
SQL_COUNT = "SELECT COUNT(*) FROM households_household WHERE area_code >= %s AND area_code < %s"
# The same columns the list fetches: the household without its two ciphertexts, and its area.
SQL_PAGE = """
SELECT h.id, h.area_id, h.area_code, h.township_code, h.created_at, h.updated_at, h.version,
       h.head_name, h.head_id_hash, h.head_id_masked, h.address, h.phone_masked, h.size, h.note,
       r.code, r.name, r.level, r.parent_id
FROM households_household h
JOIN regions_region r ON r.code = h.area_id
WHERE h.area_code >= %s AND h.area_code < %s ORDER BY h.area_code, h.head_name, h.id LIMIT 50
"""


def sql_page(prefix: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT role, area_id FROM accounts_roleassignment LIMIT 1")
        upper = str(int(prefix) + 1)
        cursor.execute(SQL_COUNT, [prefix, upper])
        count = cursor.fetchone()[0]
        cursor.execute(SQL_PAGE, [prefix, upper])
        return count + len(cursor.fetchall())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wangge_bench_scoped"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    django_on(args.database_url if args.reuse else fresh_postgres(args.database_url))
    from wangge.households.models import Household

    if not Household.objects.exists():
        with Timer() as built:
            build(random.Random(7))
        print(f"built {HOUSEHOLDS:,} households in {built.seconds:.1f} s")
    cases = [
        ("village secretary", "bench-secretary", "340827200200"),
        ("township administrator", "bench-admin", "340827200"),
    ]
    worst = 0.0
    from wangge.accounts.models import User

    for label, username, prefix in cases:
        user = User.objects.get(username=username)
        assert orm_page(user) == sql_page(prefix), "the two queries disagree"
        orm, raw = [], []
        for _ in range(ROUNDS):  # interleaved so machine noise hits both alike
            with Timer() as t:
                orm_page(user)
            orm.append(t.seconds * 1000)
            with Timer() as t:
                sql_page(prefix)
            raw.append(t.seconds * 1000)
        ratio = percentile(orm, 0.5) / percentile(raw, 0.5)
        worst = max(worst, percentile(orm, 0.95))
        print(
            f"{label:24s} page+count  ORM p50 {percentile(orm, 0.5):6.2f} ms"
            f"  p95 {percentile(orm, 0.95):6.2f} ms"
            f" | SQL p50 {percentile(raw, 0.5):6.2f} ms  p95 {percentile(raw, 0.95):6.2f} ms"
            f" | ratio {ratio:4.2f} (target ≤ 1.5, p95 < 100 ms)"
        )
    return 0 if worst < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
