"""The township overview: headline figures and chart data for the user's scope."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation

from wangge import testing
from wangge.dashboard.overview import overview_figures
from wangge.party.models import Member, Organisation, OrgKind
from wangge.testing import VILLAGE_A, VILLAGE_B, make_household, make_member

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def township(regions, tags):
    """Village A: 3 members (one 70, one mobile), 2 households; village B: 1 member, 1 household."""
    make_member(area_code=VILLAGE_A, seq=1, birth=datetime.date(1956, 1, 1))
    make_member(area_code=VILLAGE_A, seq=2, birth=datetime.date(1990, 1, 1))
    mobile = make_member(area_code=VILLAGE_A, seq=3, birth=datetime.date(1970, 1, 1))
    Member.objects.filter(pk=mobile.pk).update(is_mobile=True)
    make_member(area_code=VILLAGE_B, seq=4, birth=datetime.date(1940, 1, 1))
    hardship, migrant = tags[0], tags[4]
    make_household(area_code=VILLAGE_A + "001", seq=10, tags=[hardship, migrant])
    make_household(area_code=VILLAGE_A + "001001", seq=11, tags=[hardship])
    make_household(area_code=VILLAGE_B + "001", seq=12)
    return regions


def _pairs(chart: dict) -> dict:
    return dict(zip(chart["labels"], chart["values"], strict=True))


def test_township_figures(township, township_admin):
    with translation.override("zh-hans"):  # tag labels in the product's own language
        figures = overview_figures(township_admin, today=TODAY)
    assert figures["villages"] == 2
    assert figures["branches"] == 2
    assert figures["members"] == 4
    assert figures["members_over_60"] == 2
    assert figures["share_over_60_percent"] == 50.0
    assert figures["members_mobile"] == 1
    assert figures["households"] == 3
    charts = figures["charts"]
    assert sum(charts["members_by_branch"]["values"]) == 4
    assert charts["members_by_age"]["values"] == [1, 1, 0, 1, 1]
    assert _pairs(charts["households_by_village"]) == {"湖滨村委会": 2, "太华村委会": 1}
    by_tag = _pairs(charts["households_by_tag"])
    assert by_tag["家庭困难户"] == 2
    assert by_tag["外出务工户"] == 1
    assert by_tag["低保"] == 0


def test_a_general_branch_counts_once_with_its_branches(township, township_admin):
    general = testing.branch_for(VILLAGE_A, "湖滨村党总支")
    Organisation.objects.filter(pk=general.pk).update(kind=OrgKind.GENERAL_BRANCH)
    for name in ("湖滨村第一党支部", "湖滨村第二党支部"):
        branch = testing.branch_for(VILLAGE_A, name)
        Organisation.objects.filter(pk=branch.pk).update(parent=general)
    # Village A's plain branch, village B's branch and the general branch (its two count in it).
    assert overview_figures(township_admin, today=TODAY)["branches"] == 3


def test_village_user_sees_their_village_only(township, secretary_b):
    figures = overview_figures(secretary_b, today=TODAY)
    assert figures["villages"] == 1
    assert figures["members"] == 1
    assert figures["households"] == 1
    assert figures["charts"]["households_by_village"]["labels"] == ["太华村委会"]


def test_user_without_roles_sees_zeros(township):
    nobody = testing.make_user("nobody", None, None)
    figures = overview_figures(nobody, today=TODAY)
    assert figures["members"] == figures["households"] == figures["villages"] == 0
    assert figures["share_over_60_percent"] == 0.0


def test_page_renders_figures_and_chart_json(
    client, township, township_admin, django_assert_max_num_queries
):
    client.force_login(township_admin)
    with django_assert_max_num_queries(36):  # 3 for the visit figures, 16 for the figure groups
        response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-figure="members">4<' in body
    assert 'data-figure="households">3<' in body
    assert "vendor/echarts.min.js" in body
    assert "js/charts.js" in body
    start = body.index('<script id="chart-data" type="application/json">')
    payload = body[start:].split(">", 1)[1].split("</script>", 1)[0]
    charts = json.loads(payload)
    assert set(charts) == {
        "members_by_branch",
        "members_by_age",
        "households_by_village",
        "households_by_tag",
    }
    # No inline event handlers: the chart code lives in a static file (strict CSP later).
    assert "onclick" not in body and "onload" not in body


def test_query_count_does_not_grow_with_data(
    client, township, township_admin, django_assert_max_num_queries
):
    for seq in range(20, 40):
        make_member(area_code=VILLAGE_B, seq=seq)
        make_household(area_code=VILLAGE_B + "001001", seq=seq)
    client.force_login(township_admin)
    with django_assert_max_num_queries(36):  # 3 for the visit figures, 16 for the figure groups
        client.get(reverse("dashboard:overview"))


def test_anonymous_user_is_sent_to_login(client, regions):
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_language_switch_to_english_and_back(client, township, township_admin):
    client.force_login(township_admin)
    assert 'lang="zh-CN"' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-CN"' in client.get("/").content.decode()
