"""Agency import at county scale: a 100,000-row medical-insurance file read, validated, matched
to households by keyed hash, stored, and the township's rules evaluated — against a raw bulk
insert of the same rows (already parsed, no matching, no rules). Target ratio ≤ 3.

    .venv/bin/python bench/agency_import.py [--rows 100000] [--households 300000]
        [--database-url postgres://postgres@127.0.0.1:5432/flags_bench]

Without --database-url a throwaway SQLite file is used. Self-contained on purpose.
"""

import argparse
import datetime
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AS_OF = datetime.date(2021, 12, 31)


def django_on(database_url: str) -> None:
    os.environ["WANGGE_DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    os.environ.setdefault("WANGGE_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fresh_postgres(url: str) -> str:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def person_id(i: int) -> str:
    from wangge.core.identity import check_character

    birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=i // 900)
    first17 = f"340827{birth:%Y%m%d}{i % 900 + 100:03d}"
    return first17 + check_character(first17)


def build_registry(households: int) -> None:
    """Households spread over the township's two test villages, inserted in bulk."""
    from wangge import testing
    from wangge.core.crypto import blind_index
    from wangge.core.identity import mask_id
    from wangge.households.models import Household

    regions = testing.build_regions()
    testing.build_tags()
    hamlets = [regions[testing.VILLAGE_A + "001"], regions[testing.VILLAGE_B + "001"]]
    batch = []
    for i in range(households):
        hamlet = hamlets[i % 2]
        pid = person_id(i)
        batch.append(
            Household(
                head_name=f"户主{i}",
                head_id_number=pid,
                head_id_hash=blind_index(pid),
                head_id_masked=mask_id(pid),
                address=f"{hamlet.name}{i}号",
                area=hamlet,
                area_code=hamlet.code,
                township_code=hamlet.code[:9],
            )
        )
        if len(batch) == 5000:
            Household.objects.bulk_create(batch)
            batch = []
    Household.objects.bulk_create(batch)


def medical_csv(rows: int, households: int, rng: random.Random) -> bytes:
    """One settlement per row; 90 % of people are heads in the registry, 10 % are not."""
    out = io.StringIO()
    out.write("姓名,身份证号码,就诊类别,医疗机构名称,结算日期,医疗总费用,个人自付\n")
    people = max(1, rows // 3)
    for r in range(rows):
        n = rng.randrange(people)
        i = n if n % 10 else households + n  # every tenth person is unknown to the registry
        day = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        self_paid = rng.choice([rng.randrange(50, 3000), rng.randrange(5000, 40000)])
        out.write(
            f"患者{i},{person_id(i)},{rng.choice(['门诊', '住院'])},县医院,"
            f"{day:%Y.%m.%d},{self_paid * 2}.00,{self_paid}.{r % 100:02d}\n"
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url
    url = (
        fresh_postgres(url) if url.startswith("postgres") else f"sqlite:///{tmp.name}/bench.sqlite3"
    )
    django_on(url)

    from django.db import connection, transaction

    from wangge import testing
    from wangge.accounts.models import Role
    from wangge.flags.formats import default_mapping
    from wangge.flags.models import AgencyBatch, AgencyRecord, AgencySource, Flag, MatchStatus
    from wangge.flags.reading import read_table
    from wangge.flags.services import agency_batch_commit, agency_parse, rules_seed

    rng = random.Random(6)
    started = time.perf_counter()
    build_registry(args.households)
    officer = testing.make_user("officer", Role.DATA_OFFICER, testing.TOWNSHIP)
    rules_seed(township_code=testing.TOWNSHIP)
    content = medical_csv(args.rows, args.households, rng)
    print(
        f"database: {connection.vendor}; registry {args.households} households, "
        f"file {args.rows} rows ({len(content) / 1e6:.1f} MB); set-up "
        f"{time.perf_counter() - started:.1f} s"
    )
    source = AgencySource.objects.get(kind="medical_insurance")

    # Raw bulk insert: the same rows, parsed beforehand, no matching and no rules. Timed before
    # and after the pipeline (the faster run counts) so that cache warm-up favours neither.
    table = read_table("bench.csv", content)
    mapping = default_mapping(source.kind, table.headers)
    parsed = agency_parse(kind=source.kind, table=table, mapping=mapping, today=AS_OF)
    assert not parsed.errors, parsed.errors[:3]

    def raw_insert() -> float:
        with transaction.atomic():
            raw_batch = AgencyBatch.objects.create(
                source=source,
                area_code="999999999",
                township_code="999999999",
                uploaded_by=officer,
                file_name="raw.csv",
                row_count=len(parsed.rows),
            )
            records = [
                AgencyRecord(
                    batch=raw_batch,
                    kind=source.kind,
                    row_number=row.row,
                    person_id_hash=row.id_number,
                    person_id_number=row.id_number,
                    person_id_masked=row.id_number,
                    person_name=row.name,
                    match_status=MatchStatus.UNMATCHED,
                    values=row.values,
                    amount=row.amount,
                    record_date=row.record_date,
                    category=row.category,
                    area_code="999999999",
                    township_code="999999999",
                )
                for row in parsed.rows
            ]
            t0 = time.perf_counter()
            AgencyRecord.objects.bulk_create(records, batch_size=2000)
            return time.perf_counter() - t0

    raw_first = raw_insert()

    # The real pipeline: read the file, parse and validate, hash, match, store, evaluate rules.
    t0 = time.perf_counter()
    table = read_table("医保.csv", content)
    batch = agency_batch_commit(
        actor=officer,
        source=source,
        area_code=testing.TOWNSHIP,
        file_name="医保.csv",
        table=table,
        mapping=default_mapping(source.kind, table.headers),
        today=AS_OF,
    )
    full = time.perf_counter() - t0
    raw = min(raw_first, raw_insert())
    flags = Flag.objects.filter(township_code=testing.TOWNSHIP).count()
    print(f"raw bulk insert:        {raw:7.2f} s  {args.rows / raw:9.0f} rows/s")
    print(f"import+match+evaluate:  {full:7.2f} s  {args.rows / full:9.0f} rows/s")
    print(f"matched {batch.matched_count}, unmatched {batch.unmatched_count}, flags raised {flags}")
    print(f"ratio {full / raw:.2f} (target ≤ 3)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
