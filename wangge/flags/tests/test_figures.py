import datetime

from wangge import testing
from wangge.flags.selectors import flags_stats, township_figures
from wangge.flags.services import flag_accept, rules_seed
from wangge.flags.tests.conftest import DIBAO_HEADERS, MEDICAL_HEADERS, head_id, upload

YEAR = (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))


def test_township_figures_come_from_the_data(officer, secretary_a, township_admin, sources, homes):
    """GIVEN last year's and this year's 低保 lists and medical settlements
    THEN new coverage, raises and flagged households are counted from the rows."""
    rules_seed(township_code=testing.TOWNSHIP, actor=township_admin)
    dibao = sources["civil_affairs_dibao"]
    upload(
        officer,
        dibao,
        DIBAO_HEADERS,
        [
            ["汪一", head_id(1), "2", "C", "300", "2019-05"],
            ["汪二", head_id(2), "1", "B", "400", "2020-01"],
        ],
        today=datetime.date(2020, 12, 31),
    )
    upload(
        officer,
        dibao,
        DIBAO_HEADERS,
        [
            ["汪一", head_id(1), "2", "B", "450", "2021-04"],  # raised C → B
            ["汪二", head_id(2), "1", "B", "400", "2020-01"],  # unchanged
            ["汪三", head_id(3), "1", "C", "300", "2021-07"],  # newly covered
            ["郭一", head_id(4), "1", "C", "300", "2021-02"],  # newly covered, village B
        ],
    )
    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [
            ["汪二", head_id(2), "住院", "2021-03-05", "1", "60000"],
        ],
    )
    figures = township_figures(testing.TOWNSHIP, start=YEAR[0], end=YEAR[1])
    assert (figures.hardship_families, figures.newly_low_income, figures.low_income_raised) == (
        1,
        2,
        1,
    )
    village_a = township_figures(testing.VILLAGE_A, start=YEAR[0], end=YEAR[1])
    assert village_a.newly_low_income == 1

    from wangge.flags.models import Flag

    flag_accept(actor=secretary_a, flag=Flag.objects.get())
    stats = flags_stats(testing.TOWNSHIP)
    assert stats["flags_by_rule"] == {"severe_illness": 1}
    assert stats["flags_by_status"] == {"accepted": 1}
    assert stats["assistance_plans"] == 1
    assert stats["plans_by_outcome"] == {}  # the plan is still open
    assert stats["attention_households"] >= 1  # the accepted household, tagged 大病
    assert set(stats) == {
        "flags_by_rule",
        "flags_by_status",
        "assistance_plans",
        "plans_by_outcome",
        "attention_households",
        "households_newly_low_income",
        "households_low_income_raised",
        "low_income_year",
    }
    # The low-income figures are for the latest year the lists cover, not the calendar year.
    assert stats["low_income_year"] == YEAR[0].year
    assert (
        stats["households_newly_low_income"]
        == township_figures(testing.TOWNSHIP, start=YEAR[0], end=YEAR[1]).newly_low_income
    )
    assert flags_stats(None)["assistance_plans"] == 1
