import datetime

from wangge import testing
from wangge.demo.flags import Person, agency_demo_load
from wangge.flags.models import AgencyRecord, MatchStatus
from wangge.flags.selectors import township_figures
from wangge.flags.tests.conftest import HAMLET_A, HAMLET_B


def test_demo_files_reproduce_the_figures_they_are_asked_for(officer, tags):
    """GIVEN 30 households WHEN the demo agency files are uploaded THEN the township's figures
    are exactly the requested ones (the demo uses 165 / 9 / 1)."""
    households = [
        testing.make_household(area_code=(HAMLET_A, HAMLET_B)[i % 2], seq=i, head_name=f"户{i}")
        for i in range(1, 31)
    ]
    people = [Person(h.head_name, h.head_id_number) for h in households]
    batches = agency_demo_load(
        actor=officer, area_code=testing.TOWNSHIP, households=people, hardship=9, newly=4, raised=1
    )
    assert len(batches) == 5
    figures = township_figures(
        testing.TOWNSHIP, start=datetime.date(2021, 1, 1), end=datetime.date(2021, 12, 31)
    )
    assert (figures.hardship_families, figures.newly_low_income, figures.low_income_raised) == (
        9,
        4,
        1,
    )
    assert AgencyRecord.objects.filter(match_status=MatchStatus.UNMATCHED).count() == 3
