"""Demo agency files that reproduce the report's 2021 figures from a registry's households:
165 hardship families identified, 9 newly low-income households, 1 raised.

``agency_demo_files(households)`` writes the files an officer would receive (XLSX, text IDs);
``agency_demo_load(...)`` uploads them through the real pipeline, as an officer would.
"""

import datetime
import io
import random
from dataclasses import dataclass

import xlsxwriter

from wangge.flags.formats import default_mapping
from wangge.flags.models import AgencySource
from wangge.flags.reading import read_table
from wangge.flags.services import agency_batch_commit, rules_seed, sources_seed
from wangge.flags.tests_support import stranger_id
from wangge.regions.codes import township_of

YEAR = 2021
AS_OF = datetime.date(YEAR, 12, 31)


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str


def _xlsx(headers: list[str], rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, headers)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            sheet.write_string(i, j, str(value))  # IDs stay text, as agencies must send them
    book.close()
    return out.getvalue()


def agency_demo_files(
    households: list[Person],
    *,
    hardship: int = 165,
    newly: int = 9,
    raised: int = 1,
    dismissed: int = 0,
    monitored: int = 0,
    seed: int = 2021,
) -> list[tuple[str, str, bytes]]:
    """(source kind, file name, XLSX bytes), in upload order. Hardship families split over the
    three seeded rules. The newly low-income and raised households are 大病 families when there
    are enough of them (the plans that follow the flags bring them onto 低保), otherwise
    households of their own. ``dismissed`` more households cross the 50,000 line on costs an
    insurer refunded (their flags are dismissed on review); ``monitored`` of the hardship
    families are also on the poverty-monitoring list."""
    from_ill = newly + raised <= hardship // 3
    need = hardship + dismissed + (0 if from_ill else newly + raised)
    if len(households) < need + 10:
        raise ValueError(f"need at least {need + 10} households, got {len(households)}")
    rng = random.Random(seed)
    people = list(households)
    rng.shuffle(people)
    ill = people[: hardship // 3]
    tekun = people[hardship // 3 : 2 * hardship // 3]
    disabled = people[2 * hardship // 3 : hardship]
    refunded = people[hardship : hardship + dismissed]
    if from_ill:
        new, up = ill[:newly], ill[newly : newly + raised]
    else:
        start = hardship + dismissed
        new = people[start : start + newly]
        up = people[start + newly : need]
    others = people[need:]

    def month(year: int) -> str:
        return f"{year}-{rng.randrange(1, 13):02d}"

    # 低保: the 2020 roll (long-standing cases) and the 2021 roll (adds new ones and a raise).
    old_rows = [
        [
            p.name,
            p.id_number,
            rng.randrange(1, 5),
            rng.choice("AB"),
            rng.choice([480, 560]),
            month(rng.randrange(2014, 2020)),
        ]
        for p in tekun + disabled
    ]
    raised_rows = [[p.name, p.id_number, 2, "C", 300, month(2018)] for p in up]
    dibao_2020 = old_rows + raised_rows
    dibao_2021 = (
        old_rows
        + [[p.name, p.id_number, 2, "B", 420, f"{YEAR}-{rng.randrange(2, 12):02d}"] for p in up]
        + [[p.name, p.id_number, rng.randrange(1, 4), "C", 300, month(YEAR)] for p in new]
    )
    dibao_headers = [
        "户主姓名",
        "户主身份证号",
        "保障人数",
        "保障类别",
        "月保障金额",
        "保障起始年月",
    ]

    tekun_rows = [
        [
            p.name,
            p.id_number,
            rng.choice(["集中", "分散"]),
            rng.choice(["全自理", "半失能", "全失能"]),
            f"{rng.randrange(2015, 2021)}.{rng.randrange(1, 13)}.{rng.randrange(1, 28)}",
        ]
        for p in tekun
    ]
    disability_rows = (
        [
            [p.name, p.id_number, f"{p.id_number}4{g}", "肢体", f"{'一二'[g - 1]}级"]
            for p in disabled
            for g in [rng.choice([1, 2])]
        ]
        + [  # milder disabilities in households that are not poor: no flag
            [p.name, p.id_number, f"{p.id_number}23", "听力", "三级"] for p in others[:5]
        ]
    )

    medical_headers = [
        "姓名",
        "身份证号码",
        "就诊类别",
        "医疗机构名称",
        "结算日期",
        "医疗总费用",
        "个人自付",
    ]
    medical_rows = []
    for p in ill:  # several settlements adding up to more than 50,000 within 2021
        parts = rng.randrange(2, 5)
        total = rng.randrange(52_000, 90_000)
        for k in range(parts):
            day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(360))
            medical_rows.append(
                [
                    p.name,
                    p.id_number,
                    "住院",
                    "安庆市立医院",
                    day.strftime("%Y/%m/%d"),
                    f"{total // parts * 2}.00",
                    f"{total // parts}.{k:02d}",
                ]
            )
    for p in refunded:  # one large bill, refunded by a commercial insurer: dismissed on review
        medical_rows.append(
            [p.name, p.id_number, "住院", "省立医院", f"{YEAR}/06/18", "120000.00", "61000.00"]
        )
    for p in others:  # ordinary outpatient costs
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(360))
        medical_rows.append(
            [
                p.name,
                p.id_number,
                "门诊",
                "凉泉乡卫生院",
                day.strftime("%Y.%m.%d"),
                "380.00",
                f"{rng.randrange(20, 300)}.50",
            ]
        )
    for k in range(3):  # people from outside the township: listed as unmatched, never dropped
        medical_rows.append(
            [f"外乡{k}", stranger_id(k), "门诊", "县医院", f"{YEAR}-05-0{k + 1}", "100.00", "60.00"]
        )

    watched = (disabled + ill[newly + raised :])[:monitored]
    monitoring_rows = [
        [
            p.name,
            p.id_number,
            rng.choice(["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]),
            f"{YEAR}-{rng.randrange(1, 12):02d}-{rng.randrange(1, 28):02d}",
            rng.choice(["因病", "因残", "因意外事故"]),
            "否",
        ]
        for p in watched
    ]
    files = [
        ("civil_affairs_dibao", f"低保名册-{YEAR - 1}.xlsx", _xlsx(dibao_headers, dibao_2020)),
        ("civil_affairs_dibao", f"低保名册-{YEAR}.xlsx", _xlsx(dibao_headers, dibao_2021)),
        (
            "civil_affairs_tekun",
            f"特困人员-{YEAR}.xlsx",
            _xlsx(["姓名", "身份证号", "供养方式", "自理能力", "认定日期"], tekun_rows),
        ),
        (
            "disability",
            f"残联-{YEAR}.xlsx",
            _xlsx(["姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级"], disability_rows),
        ),
        ("medical_insurance", f"医保结算-{YEAR}.xlsx", _xlsx(medical_headers, medical_rows)),
    ]
    if monitoring_rows:
        headers = ["户主姓名", "身份证号", "监测类型", "纳入日期", "风险类型", "风险是否消除"]
        files.append(("monitoring", f"防返贫监测-{YEAR}.xlsx", _xlsx(headers, monitoring_rows)))
    return files


def agency_demo_load(*, actor, area_code: str, households: list[Person], **counts) -> list:
    """Upload the demo files through the officer's pipeline (evaluated as of 2021-12-31)."""
    sources_seed()
    rules_seed(township_code=township_of(area_code), actor=actor)
    batches = []
    for kind, name, content in agency_demo_files(households, **counts):
        source = AgencySource.objects.get(kind=kind)
        table = read_table(name, content)
        today = AS_OF if f"{YEAR - 1}" not in name else datetime.date(YEAR - 1, 12, 31)
        batches.append(
            agency_batch_commit(
                actor=actor,
                source=source,
                area_code=area_code,
                file_name=name,
                table=table,
                mapping=default_mapping(kind, table.headers, source.column_mapping),
                today=today,
            )
        )
    return batches
