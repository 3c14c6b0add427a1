"""``wangge stats``: the counts operators and monitoring read, for everything or one subtree."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wangge import testing
from wangge.core.stats import _providers, stat_provider
from wangge.dashboard import selectors
from wangge.party.services import member_create, member_validate
from wangge.testing import VILLAGE_A, VILLAGE_B

TODAY = timezone.localdate()


def years_ago(years: int, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28)) - datetime.timedelta(
        days=days
    )


@pytest.fixture
def population(regions, tags):
    """Village A: three members (one over 60, one mobile) and two households (tagged).
    Village B: one member over 60 and one untagged household."""
    by_slug = {tag.slug: tag for tag in tags}
    testing.make_member(area_code=VILLAGE_A + "001", seq=1, birth=years_ago(30))
    testing.make_member(area_code=VILLAGE_A, seq=2, birth=years_ago(61))
    mobile = member_validate(
        name="刘外出",
        id_number=testing.make_id(years_ago(25), 3),
        phone="13900000003",
        organisation=testing.branch_for(VILLAGE_A, f"{VILLAGE_A}支部"),
        area=regions[VILLAGE_A],
        is_mobile=True,
        mobile_whereabouts="苏州",
    )
    member_create(actor=None, data=mobile)
    testing.make_member(area_code=VILLAGE_B, seq=4, birth=years_ago(75))
    testing.make_household(
        area_code=VILLAGE_A, seq=11, tags=[by_slug["hardship"], by_slug["low_income"]]
    )
    testing.make_household(area_code=VILLAGE_A + "001001", seq=12, tags=[by_slug["hardship"]])
    testing.make_household(area_code=VILLAGE_B, seq=13)


def stats_json(*args) -> dict:
    out = StringIO()
    call_command("stats", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
class TestStatsCommand:
    def test_json_has_every_documented_key(self, population):
        stats = stats_json()

        assert {
            "regions_by_level",
            "organisations_by_kind",
            "members",
            "members_over_60",
            "members_mobile",
            "households",
            "households_by_tag",
        } <= stats.keys()

    def test_json_counts_the_whole_registry(self, population):
        stats = stats_json()

        assert stats["regions_by_level"] == {
            "province": 0,
            "city": 0,
            "county": 1,
            "township": 1,
            "village": 2,
            "hamlet": 2,
            "group": 2,
        }
        assert stats["organisations_by_kind"]["branch"] == 2
        assert stats["members"] == 4
        assert stats["members_over_60"] == 2
        assert stats["members_mobile"] == 1
        assert stats["households"] == 3
        assert stats["households_by_tag"]["hardship"] == 2
        assert stats["households_by_tag"]["low_income"] == 1
        assert stats["households_by_tag"]["migrant"] == 0

    def test_area_counts_only_that_subtree(self, population):
        stats = stats_json("--area", VILLAGE_A)

        assert stats["regions_by_level"]["village"] == 1
        assert stats["regions_by_level"]["group"] == 1
        assert stats["members"] == 3
        assert stats["members_over_60"] == 1
        assert stats["members_mobile"] == 1
        assert stats["households"] == 2
        assert stats["households_by_tag"]["hardship"] == 2

        other = stats_json("--area", VILLAGE_B)
        assert (other["members"], other["members_over_60"], other["members_mobile"]) == (1, 1, 0)
        assert other["households"] == 1
        assert other["households_by_tag"]["hardship"] == 0

    def test_unknown_area_is_refused(self, regions):
        with pytest.raises(CommandError, match="no area with the code 9999"):
            call_command("stats", "--json", "--area", "9999", stdout=StringIO())

    def test_table_without_json(self, population):
        out = StringIO()
        call_command("stats", stdout=out)
        lines = out.getvalue().splitlines()

        assert any(line.split() == ["members", "4"] for line in lines)
        assert any(line.split() == ["hardship", "2"] for line in lines)

    def test_counts_take_a_fixed_number_of_queries(self, population, django_assert_max_num_queries):
        selectors.township_stats()  # the first call imports the apps' stats modules
        # A few aggregate queries per provider (regions, party, households, grids, flags,
        # visits, campaigns, requests, plans, notices, reports …), however many rows there are.
        with django_assert_max_num_queries(3 * len(_providers)):
            selectors.township_stats()


@pytest.mark.django_db
def test_a_new_provider_adds_its_keys(regions):
    """GIVEN a feature registering its own counts WHEN stats are collected THEN its keys appear."""

    @stat_provider
    def example(area_code, today):
        return {"example_feature": 0 if area_code else 5}

    try:
        assert selectors.township_stats()["example_feature"] == 5
        assert selectors.township_stats(VILLAGE_A)["example_feature"] == 0
    finally:
        _providers.remove(example)


@pytest.mark.django_db
class TestOverviewBreakdowns:
    def test_members_by_branch(self, population):
        rows = {row["name"]: row for row in selectors.members_by_branch()}

        branch_a = rows[f"{VILLAGE_A}支部"]
        assert (branch_a["members"], branch_a["over_60"], branch_a["mobile"]) == (3, 1, 1)
        assert rows[f"{VILLAGE_B}支部"]["members"] == 1
        assert [row["name"] for row in selectors.members_by_branch(VILLAGE_B)] == [
            f"{VILLAGE_B}支部"
        ]

    def test_members_by_age_band(self, population):
        bands = {row["band"]: row["members"] for row in selectors.members_by_age_band()}

        assert bands == {"lt40": 2, "40-59": 0, "60-69": 1, "70-79": 1, "80plus": 0}

    def test_households_by_village(self, population):
        rows = selectors.households_by_village(testing.TOWNSHIP)

        assert [(row["code"], row["households"]) for row in rows] == [
            (VILLAGE_A, 2),
            (VILLAGE_B, 1),
        ]
        assert rows[0]["name"] == "湖滨村委会"
        assert selectors.households_by_village(VILLAGE_A + "001") == [
            {"code": VILLAGE_A, "name": "湖滨村委会", "households": 1}
        ]


def test_stats_count_grids_and_users_by_role(township_admin, secretary_a, member_a):
    from wangge import testing as t
    from wangge.grids.services import grid_create, grid_layers_seed
    from wangge.regions.models import Region

    layers = {layer.slug: layer for layer in grid_layers_seed()}
    grid_create(
        actor=None,
        layer=layers["governance"],
        name="汪屋一组",
        area=Region.objects.get(code=t.VILLAGE_A + "001001"),
    )
    out = StringIO()
    call_command("stats", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["grids_by_layer"] == {"service": 0, "epidemic": 0, "governance": 1}
    assert data["users_by_role"]["township_admin"] == 1
    assert data["users_by_role"]["village_secretary"] == 1
    assert data["users_by_role"]["member"] == 1
