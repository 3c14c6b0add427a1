"""Benchmark ``wangge import-regions`` on a national-size division table (not a test).

Generates ~700,000 divisions (31 provinces → ~340 cities → ~2,900 counties → ~40,000 townships
→ ~650,000 villages, codes after GB/T 2260 and the 12-digit statistical scheme, rows shuffled),
imports them through the real service into an empty throwaway database, re-imports them (the
idempotent run), then times a raw bulk insert of the same rows into the same table as the
baseline. Target: ≥ 50,000 rows/s.

    .venv/bin/python bench/import_regions.py                       # temporary SQLite file
    .venv/bin/python bench/import_regions.py --database-url postgres://postgres@127.0.0.1:5432/postgres

With PostgreSQL the script creates and afterwards drops its own database (``wangge_bench_regions``)
on that server; the database named in the URL is only used to connect.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROVINCES = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
]  # fmt: skip
SYLLABLES = "安宝昌长东丰福高广和华黄吉江金康乐利林龙明南平庆泉瑞山盛寿顺松太泰唐天新兴阳永玉云镇中"


def name(rng: random.Random, suffix: str) -> str:
    return "".join(rng.choices(SYLLABLES, k=2)) + suffix


def generate(seed: int) -> list[tuple[str, str, str, str]]:
    """A plausible national table: every code is its parent's code plus its own digits."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    for province in PROVINCES:
        rows.append((province, name(rng, "省"), "province", ""))
        for c in range(1, 12):  # 31 × 11 = 341 cities
            city = f"{province}{c:02d}"
            rows.append((city, name(rng, "市"), "city", province))
            for k in range(1, rng.randint(6, 11) + 1):  # ~8.5 counties per city
                county = f"{city}{k:02d}"
                rows.append((county, name(rng, "县"), "county", city))
                # numbering: 001-099 subdistricts, 100-199 towns, 200-399 townships (乡)
                next_number = {"街道": 1, "镇": 100, "乡": 200}
                for _t in range(rng.randint(9, 19)):  # ~14 townships per county
                    suffix = rng.choices(("街道", "镇", "乡"), weights=(2, 5, 3))[0]
                    township = f"{county}{next_number[suffix]:03d}"
                    next_number[suffix] += 1
                    rows.append((township, name(rng, suffix), "township", county))
                    for v in range(rng.randint(9, 23)):  # ~16 villages per township
                        # 001-199 residents' committees, 200-399 villagers' committees
                        if v < 3:
                            village, suffix = f"{township}{1 + v:03d}", "社区居委会"
                        else:
                            village, suffix = f"{township}{197 + v:03d}", "村委会"
                        rows.append((village, name(rng, suffix), "village", township))
    rng.shuffle(rows)
    return rows


def write_csv(rows, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)


def setup_django(database_url: str | None, workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "wangge.settings"
    os.environ["WANGGE_VAR_DIR"] = str(workdir)
    os.environ["WANGGE_DEBUG"] = "0"
    os.environ["WANGGE_DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django
    from django.db import connection

    django.setup()
    # Django's test-database machinery gives a fresh, throwaway database on either backend.
    test_name = str(workdir / "bench.sqlite3") if not database_url else "wangge_bench_regions"
    connection.settings_dict["TEST"]["NAME"] = test_name


def baseline_insert(rows) -> None:
    """The floor: the same rows straight into the table, no parsing or validation."""
    from django.db import connection, transaction

    from wangge.regions.importing import _large_cache
    from wangge.regions.models import Region

    table = Region._meta.db_table
    values = [(code, nm, level, parent or None) for code, nm, level, parent in rows]
    # The same SQLite page cache as the import gets, so that the floor is a fair one.
    with transaction.atomic(), connection.cursor() as cursor, _large_cache(cursor):
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} (code, name, level, parent_id) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (code, name, level, parent_id) VALUES (%s, %s, %s, %s)",
                values,
            )


def clear_regions() -> None:
    from django.db import connection, transaction

    from wangge.regions.models import Region

    table = Region._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {table} CASCADE")
        else:
            cursor.execute(f"DELETE FROM {table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("WANGGE_BENCH_DATABASE_URL"),
        help="PostgreSQL server to use (default: a temporary SQLite file)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(args.database_url, workdir)
        from django.db import connection

        from wangge.regions.importing import regions_import
        from wangge.regions.models import Region

        started = time.perf_counter()
        rows = generate(args.seed)
        csv_path = workdir / "divisions.csv"
        write_csv(rows, csv_path)
        print(
            f"generated {len(rows):,} rows ({csv_path.stat().st_size / 1e6:.1f} MB CSV) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
            figures: dict[str, tuple[float, float]] = {}

            def report(label: str, wall: float, cpu: float, note: str) -> None:
                figures[label] = (wall, cpu)
                print(
                    f"{label:<10} {wall:7.2f} s  {len(rows) / wall:>9,.0f} rows/s"
                    f"   (this process's CPU: {cpu:6.2f} s, {len(rows) / cpu:>9,.0f} rows/s)"
                    f"  {note}"
                )

            for label in ("import", "re-import"):
                wall, cpu = time.perf_counter(), time.process_time()
                result = regions_import(path=csv_path)
                report(
                    label,
                    time.perf_counter() - wall,
                    time.process_time() - cpu,
                    f"created {sum(result.created.values()):,}"
                    f" updated {sum(result.updated.values()):,}"
                    f" unchanged {sum(result.unchanged.values()):,}",
                )
            assert Region.objects.count() == len(rows)
            assert sum(result.unchanged.values()) == len(rows), "the re-import changed rows"

            clear_regions()
            wall, cpu = time.perf_counter(), time.process_time()
            baseline_insert(rows)
            report(
                "baseline",
                time.perf_counter() - wall,
                time.process_time() - cpu,
                "raw bulk insert of the same rows",
            )
            ratio = figures["import"][0] / figures["baseline"][0]
            print(f"ratio import / baseline (wall): {ratio:.2f}")
            rate = len(rows) / figures["import"][0]
            verdict = "meets" if rate >= 50_000 else "MISSES"
            print(f"{verdict} the target of 50,000 rows/s ({rate:,.0f} rows/s wall clock)")
            print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
