import datetime

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.flags.models import AgencySource
from wangge.flags.reading import Table

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"
TODAY = datetime.date(2021, 12, 31)
MEDICAL_HEADERS = ["姓名", "身份证号码", "就诊类别", "结算日期", "医疗总费用", "个人自付"]


def head_id(seq: int) -> str:
    """The head's ID number that ``testing.make_household(seq=...)`` gives."""
    return testing.make_id(datetime.date(1955, 3, 3), seq)


def medical(rows) -> Table:
    return Table(headers=list(MEDICAL_HEADERS), rows=[list(r) for r in rows])


@pytest.fixture
def officer(regions):
    return testing.make_user("officer", Role.DATA_OFFICER, testing.TOWNSHIP)


@pytest.fixture
def officer_b(regions):
    return testing.make_user("officer-b", Role.DATA_OFFICER, testing.VILLAGE_B)


@pytest.fixture
def source(db):
    return AgencySource.objects.get(kind="medical_insurance")


@pytest.fixture
def sources(db):
    return {s.kind: s for s in AgencySource.objects.all()}


@pytest.fixture
def rules(township_admin, tags):
    """The seeded rules of the test township (a test file may define its own)."""
    from wangge.flags.services import rules_seed

    return rules_seed(township_code=testing.TOWNSHIP)


@pytest.fixture
def homes(tags):
    """Three households in village A, one in village B."""
    return {
        "a1": testing.make_household(area_code=HAMLET_A, seq=1, head_name="汪一"),
        "a2": testing.make_household(area_code=HAMLET_A, seq=2, head_name="汪二"),
        "a3": testing.make_household(area_code=HAMLET_A, seq=3, head_name="汪三"),
        "b1": testing.make_household(area_code=HAMLET_B, seq=4, head_name="郭一"),
    }


def upload(actor, source, headers, rows, *, area_code=testing.TOWNSHIP, today=TODAY, **kw):
    """Commit a small agency file through the real service, mapping columns by the usual headers."""
    from wangge.flags.formats import default_mapping
    from wangge.flags.services import agency_batch_commit

    return agency_batch_commit(
        actor=actor,
        source=source,
        area_code=area_code,
        file_name=f"{source.kind}.csv",
        table=Table(headers=list(headers), rows=[list(r) for r in rows]),
        mapping=default_mapping(source.kind, list(headers)),
        today=today,
        **kw,
    )


DIBAO_HEADERS = ["户主姓名", "户主身份证号", "保障人数", "保障类别", "月保障金额", "保障起始年月"]
TEKUN_HEADERS = ["姓名", "身份证号", "供养方式", "自理能力", "认定日期"]
DISABILITY_HEADERS = ["姓名", "身份证号", "残疾人证号", "残疾类别", "残疾等级"]
