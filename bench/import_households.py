#!/usr/bin/env python3
"""Benchmark: import 100,000 households through the real import path, then insert the same parsed
rows with a raw bulk insert, and print both times and the ratio (target: ratio ≤ 2).

    python bench/import_households.py                       # SQLite file in a temp directory
    python bench/import_households.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    WANGGE_BENCH_DATABASE_URL=postgres://... python bench/import_households.py --rows 20000

With PostgreSQL, the URL names a server to use: the benchmark creates a throwaway database on it
and drops it afterwards. The raw insert encrypts the same fields and computes the same blind
index, so the comparison is fair: the ratio is what validation, matching and the ORM cost.
"""

import argparse
import datetime
import os
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国华明军平伟芳娟秀英敏静丽强磊洋勇艳杰涛超霞刚桂兰玉珍凤春林海燕红梅志德福顺"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("WANGGE_BENCH_DATABASE_URL", ""),
        help="PostgreSQL server URL (a throwaway database is created on it); default SQLite",
    )
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds of import + raw insert (median reported)"
    )
    return parser.parse_args()


def setup_django(workdir: Path, database_url: str) -> str:
    """Point Django at a fresh database; return a label for the report."""
    os.environ["WANGGE_VAR_DIR"] = str(workdir)
    os.environ.pop("WANGGE_TESTING", None)
    os.environ.setdefault("WANGGE_LOG_LEVEL", "WARNING")
    label = "SQLite"
    if database_url:
        import psycopg

        name = f"wangge_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(database_url)
        os.environ["WANGGE_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        os.environ["_WANGGE_BENCH_DROP"] = name
        label = "PostgreSQL"
    else:
        os.environ["WANGGE_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "wangge.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def drop_database(database_url: str) -> None:
    name = os.environ.get("_WANGGE_BENCH_DROP")
    if not name:
        return
    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def make_regions() -> list[tuple[str, str, str]]:
    """County, Liangquan township, its 10 villages, 17 hamlets each.

    Returns (village name as people write it, hamlet name, hamlet code) per hamlet."""
    from wangge.regions.models import Region

    villages = [
        ("340827200001", "凉泉社区居委会"),
        ("340827200002", "泊湖社区居委会"),
        ("340827200200", "湖滨村委会"),
        ("340827200201", "太华村委会"),
        ("340827200202", "横山村委会"),
        ("340827200203", "凤林村委会"),
        ("340827200204", "团山村委会"),
        ("340827200205", "韩店村委会"),
        ("340827200206", "壬辰占村委会"),
        ("340827200207", "河南村委会"),
    ]
    rows = [
        Region(code="340827", name="望江县", level="county"),
        Region(code="340827200", name="凉泉乡", level="township", parent_id="340827"),
    ]
    hamlets = []
    for code, name in villages:
        rows.append(Region(code=code, name=name, level="village", parent_id="340827200"))
        for n in range(1, 18):
            hamlet = f"{SURNAMES[n]}屋"
            rows.append(Region(code=f"{code}{n:03d}", name=hamlet, level="hamlet", parent_id=code))
            display = name.replace("村委会", "村").replace("居委会", "")
            hamlets.append((display, hamlet, f"{code}{n:03d}"))
    Region.objects.bulk_create(rows)
    return hamlets


def make_user():
    from wangge.accounts.models import Role, RoleAssignment, User

    user = User.objects.create_user(username="bench-admin", password="x-Bench-2026")
    RoleAssignment.objects.create(user=user, role=Role.TOWNSHIP_ADMIN, area_id="340827200")
    return user


def make_file(path: Path, rows: int, hamlets, seed: int) -> None:
    import xlsxwriter

    from wangge.core.identity import check_character

    rng = random.Random(seed)
    tag_names = ["家庭困难户", "外出务工户", "经济发展户", "留守老人", "低保", "大病"]
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("数据")
    text = workbook.add_format({"num_format": "@"})
    headers = [
        "户主姓名",
        "户主身份证号",
        "联系电话",
        "家庭人口",
        "村",
        "自然村",
        "地址",
        "户类型",
        "备注",
    ]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    start = datetime.date(1935, 1, 1)
    used = set()
    for r in range(1, rows + 1):
        while True:
            birth = start + datetime.timedelta(days=rng.randrange(365 * 70))
            first17 = f"340827{birth:%Y%m%d}{rng.randrange(1000):03d}"
            if first17 not in used:
                used.add(first17)
                break
        village, hamlet, _code = hamlets[rng.randrange(len(hamlets))]
        tags = "、".join(rng.sample(tag_names, rng.choice((0, 0, 0, 1, 1, 2))))
        values = [
            rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
            first17 + check_character(first17),
            f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            str(rng.randint(1, 7)),
            village,
            hamlet,
            f"{village}{hamlet}{rng.randint(1, 300)}号",
            tags,
            "",
        ]
        for col, value in enumerate(values):
            if value:
                sheet.write_string(r, col, value, text if col in (1, 2) else None)
    workbook.close()


def raw_insert(table, hamlets) -> None:
    """Insert the parsed rows with executemany (SQLite) or COPY (PostgreSQL)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from wangge.core.crypto import blind_index, encrypt
    from wangge.core.identity import mask_id, mask_phone
    from wangge.households.models import Household, Tag

    # the (village, hamlet) → code mapping the import resolves, built up front
    area_by_names = {(village, hamlet): code for village, hamlet, code in hamlets}
    tags = {t.name: t.pk for t in Tag.objects.all()}
    now = timezone.now()
    rows = []
    links = []
    for _number, cells in table.rows:
        name, id_number, phone, size, village, hamlet, address, tag_text, note = cells[:9]
        id_number = id_number.strip().upper()
        area = area_by_names[(village, hamlet)]
        id_hash = blind_index(id_number)
        rows.append(
            (
                now,
                now,
                1,
                area,
                area,
                area[:9],
                name,
                encrypt(id_number),
                id_hash,
                mask_id(id_number),
                address,
                encrypt(phone),
                mask_phone(phone),
                int(size),
                note or "",
            )
        )
        links.extend((id_hash, tags[t]) for t in tag_text.split("、") if t)
    columns = (
        "created_at, updated_at, version, area_id, area_code, township_code, head_name, "
        "head_id_number, head_id_hash, head_id_masked, address, phone, phone_masked, size, note"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY households_household ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * 15)
            cursor.executemany(
                f"INSERT INTO households_household ({columns}) VALUES ({placeholders})", rows
            )
        ids = dict(Household.objects.values_list("head_id_hash", "id"))
        link_rows = [(ids[h], t) for h, t in links]
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                "COPY households_household_tags (household_id, tag_id) FROM STDIN"
            ) as copy:
                for row in link_rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO households_household_tags (household_id, tag_id) VALUES (%s, %s)",
                link_rows,
            )


def main() -> None:
    args = parse_args()
    # Ctrl-C or a kill still drops the throwaway PostgreSQL database (finally below).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as tmp:
        workdir = Path(tmp)
        label = setup_django(workdir, args.database_url)
        try:
            run(args, workdir, label)
        finally:
            drop_database(args.database_url)


def run(args, workdir: Path, label: str) -> None:
    from wangge.households.models import Household
    from wangge.households.seed import seed_tags
    from wangge.imports.kinds import KINDS
    from wangge.imports.pipeline import run_import
    from wangge.imports.spreadsheets import read_table

    hamlets = make_regions()
    seed_tags()
    user = make_user()
    path = workdir / "households.xlsx"
    started = time.monotonic()
    make_file(path, args.rows, hamlets, args.seed)
    print(
        f"{label}: generated {args.rows:,} households, {path.stat().st_size / 1e6:.1f} MB "
        f"in {time.monotonic() - started:.1f} s"
    )

    table = read_table(path)  # the parsed rows the raw insert starts from
    rounds = []
    for number in range(1, args.repeat + 1):
        clear()
        wall, cpu = time.perf_counter(), time.process_time()
        report = run_import(kind=KINDS["households"], path=path, user=user, filename=path.name)
        imported = (time.perf_counter() - wall, time.process_time() - cpu)
        if not report.committed or report.created != args.rows:
            for error in report.errors[:10]:
                print(error)
            raise SystemExit("the import did not create every row")
        clear()
        wall, cpu = time.perf_counter(), time.process_time()
        raw_insert(table, hamlets)
        raw = (time.perf_counter() - wall, time.process_time() - cpu)
        assert Household.objects.count() == args.rows
        rounds.append((imported[0] / raw[0], imported[1] / raw[1]))
        print(
            f"round {number}: import {imported[0]:.1f} s ({args.rows / imported[0]:,.0f} rows/s; "
            f"phases {report.timings}), raw insert {raw[0]:.1f} s; "
            f"ratio {rounds[-1][0]:.2f} wall-clock, {rounds[-1][1]:.2f} CPU of this process"
        )
    wall_ratio = statistics.median(r[0] for r in rounds)
    cpu_ratio = statistics.median(r[1] for r in rounds)
    print(
        f"{label}: median ratio import / raw insert = {wall_ratio:.2f} wall-clock "
        f"({cpu_ratio:.2f} CPU of this process; with PostgreSQL the server's work is not in it)"
        " — target ≤ 2"
    )
    # The table now holds the raw-inserted rows: importing the file again must find them equal.
    again = run_import(kind=KINDS["households"], path=path, user=user)
    print(
        f"re-import over the raw rows: {again.seconds:.1f} s, {again.unchanged:,} unchanged, "
        f"{again.created + again.updated} written"
    )


def clear() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM households_household_tags")
        cursor.execute("DELETE FROM households_household")


if __name__ == "__main__":
    main()
