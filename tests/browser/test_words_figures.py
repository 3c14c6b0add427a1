"""Words and figures a village secretary reads on a 360 px phone agree with each other."""

import json

import pytest
from playwright.sync_api import expect

from wangge import testing
from wangge.party.models import Member, Organisation, OrgKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_overview_counts_the_branches_its_chart_shows(phone_page, township_data, log_in):
    """GIVEN village A's general branch with three branches made in the order 第一, 第三, 第二
    WHEN its secretary opens the overview on a phone THEN the headline says one organisation
    with three branches, the chart lists 第一, 第二, 第三, and no one-bar village chart."""
    general = Organisation.objects.get(area_code=testing.VILLAGE_A)
    Organisation.objects.filter(pk=general.pk).update(
        kind=OrgKind.GENERAL_BRANCH, name="汪屋村党总支"
    )
    branches = [
        Organisation.objects.create(
            name=f"汪屋村{n}党支部",
            kind=OrgKind.BRANCH,
            parent=general,
            area_id=testing.VILLAGE_A,
            area_code=testing.VILLAGE_A,
            township_code=testing.TOWNSHIP,
        )
        for n in ("第一", "第三", "第二")
    ]
    members = Member.objects.filter(area_code__startswith=testing.VILLAGE_A).order_by("pk")
    for member, branch in zip(members, branches + branches, strict=False):
        Member.objects.filter(pk=member.pk).update(organisation=branch)

    page = phone_page
    log_in(page, "secretary-a")
    page.goto("/")
    expect(page.locator("[data-figure=branches]")).to_have_text("1")
    expect(page.locator("[data-figure=branches] + .l")).to_contain_text("3")
    charts = json.loads(page.locator("#chart-data").text_content())
    assert charts["members_by_branch"]["labels"] == [
        "汪屋村第一党支部",
        "汪屋村第二党支部",
        "汪屋村第三党支部",
    ]
    expect(page.locator("[data-chart=households_by_village]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
