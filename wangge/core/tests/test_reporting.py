"""The hook through which apps below the platform layer (assessment, campaigns) add a section to
the bulletins and figures to the dashboards, without the platform importing them by name."""

import pytest

from wangge import testing
from wangge.core import reporting
from wangge.core.periods import parse_period
from wangge.core.reporting import Figure, ReportSection, dashboard_figures, report_section
from wangge.dashboard.levels import level_figures
from wangge.reports.selectors import bulletin, bulletin_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def scores():
    """An app registering a section and a figure, as assessment will for its scores."""

    @report_section(order=70)
    def score_section(user, area_code, period, as_of):
        return ReportSection("Assessment", lines=[("Five-star branches", f"3 in {area_code}")])

    @report_section(order=80)
    def nothing_to_say(user, area_code, period, as_of):
        return None

    @dashboard_figures(order=70)
    def score_figures(user, prefixes, today):
        return [Figure("five_star", "Five-star branches", 3, "/assessment/")]

    yield
    reporting._sections[:] = [
        item for item in reporting._sections if item[1] not in (score_section, nothing_to_say)
    ]
    reporting._figures[:] = [item for item in reporting._figures if item[1] is not score_figures]


def test_registered_sections_and_figures_show_in_order(regions, township_admin, scores):
    area = bulletin_area(township_admin, testing.TOWNSHIP)
    made = bulletin(township_admin, area, parse_period("2021-Q4"))
    titles = [s.title for s in made.sections]
    assert titles[-2:] == ["Campaigns", "Assessment"]  # by order; an empty one left out
    assert made.figure("Five-star branches") == f"3 in {testing.TOWNSHIP}"
    groups = level_figures(township_admin, [testing.TOWNSHIP])
    extra = [f for f in groups[-1].figures]
    assert [f.key for f in extra][-1] == "five_star" and extra[-1].url == "/assessment/"
