"""The campaigns' indicators of the scoring scheme, from real rows made through the campaigns'
services: turn-outs on the team's duty days, responsibility letters kept, and the environment
inspections of the hamlets a grid worker serves; each with its drill-down."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from wangge import testing
from wangge.accounts.models import Role
from wangge.assessment.compute import compute_period, scheme_save
from wangge.assessment.models import Score
from wangge.assessment.scoring import REGISTRY
from wangge.campaigns.engine import (
    emergency_declare,
    section_create,
    shift_assign,
    team_add,
    team_create,
    turnout_record,
)
from wangge.campaigns.environment import inspection_record, item_add
from wangge.campaigns.services import (
    accountability_open,
    campaign_create,
    duty_log_record,
    pledge_acknowledge,
    pledge_publish,
)
from wangge.core.periods import parse_period
from wangge.grids.councils import council_create
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"
MARCH = parse_period("2026-03")


def _at(day: int):
    return time_machine.travel(datetime.datetime(2026, 3, day, 10, tzinfo=datetime.UTC), tick=False)


def _worker(username: str, hamlet: str, seq: int, grid):
    member = testing.make_member(area_code=hamlet, seq=seq, name=f"党员{seq}")
    user = testing.make_user(username, Role.MEMBER, hamlet[:12])
    user.member = member
    user.save(update_fields=["member"])
    GridMember.objects.create(grid=grid, member=member, duty="网格员")
    return user


@pytest.fixture
def township(regions, township_admin, secretary_a, secretary_b):
    with _at(1):
        layer = {layer.slug: layer for layer in grid_layers_seed()}["service"]
        grids = {
            code: grid_create(
                actor=None,
                layer=layer,
                name=f"{code}网格",
                area=Region.objects.get(code=code),
                level=4,
            )
            for code in (HAMLET_A, HAMLET_B)
        }
        return {
            "a": _worker("m-a", HAMLET_A, 1, grids[HAMLET_A]),
            "b": _worker("m-b", HAMLET_B, 2, grids[HAMLET_B]),
            "area": Region.objects.get(code=testing.TOWNSHIP),
        }


def _campaign(admin, area, kind: str, name: str):
    return campaign_create(
        actor=admin,
        area=area,
        name=name,
        kind=kind,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
    )


def _score(member, weights: dict, admin) -> Score:
    scheme_save(actor=admin, township_code=testing.TOWNSHIP, weights=weights, threshold=60)
    with time_machine.travel(datetime.datetime(2026, 4, 5, 10, tzinfo=datetime.UTC), tick=False):
        compute_period(township_code=testing.TOWNSHIP, period=MARCH, actor=admin)
    return Score.objects.get(member=member, period_key="2026-03")


def _line(score: Score, key: str) -> dict:
    return next(line for line in score.lines if line["key"] == key)


def test_turnouts_count_the_team_duty_days_of_the_emergency(
    township, township_admin, secretary_a, client
):
    """GIVEN member A's team holds shifts on 12, 13 and 25 March (the emergency runs 10–20)
    and A turned out on the 12th WHEN March is scored THEN A turned out on 1 of 2 duty days."""
    a = township["a"].member
    with _at(5):
        flood = _campaign(township_admin, township["area"], "flood", "2026年防汛")
        emergency_declare(
            actor=township_admin,
            campaign=flood,
            starts_on=datetime.date(2026, 3, 10),
            ends_on=datetime.date(2026, 3, 20),
            reason="超警戒水位",
        )
        branch = testing.branch_for(testing.VILLAGE_A, "湖滨村党总支")
        village_a = Region.objects.get(code=testing.VILLAGE_A)
        section = section_create(
            actor=secretary_a, campaign=flood, name="南港堤段", place="", organisation=branch
        )
        team = team_create(
            actor=secretary_a,
            campaign=flood,
            name="湖滨突击队",
            kind="commando",
            home=village_a,
            serves=village_a,
        )
        team_add(actor=secretary_a, team=team, member=a, leader=True)
        for day, shift in [(12, "day"), (13, "night"), (25, "day")]:
            shift_assign(
                actor=secretary_a,
                section=section,
                day=datetime.date(2026, 3, day),
                shift=shift,
                team=team,
            )
    with _at(12):
        turnout_record(
            actor=secretary_a,
            campaign=flood,
            member=a,
            team=team,
            section=section,
            day=datetime.date(2026, 3, 12),
            hours=8,
        )
    score = _score(a, {"campaign_turnouts": 100}, township_admin)
    line = _line(score, "campaign_turnouts")
    assert (line["num"], line["den"], line["points"]) == (1, 2, 50.0)
    assert score.score == Decimal("50.0")
    # B is on no team: nothing to judge, in full.
    other = Score.objects.get(member=township["b"].member, period_key="2026-03")
    assert other.score == Decimal("100.0")
    rows = REGISTRY["campaign_turnouts"].records(a, MARCH)
    assert [(r.day.day, r.ok) for r in rows] == [(13, False), (12, True)]
    assert "湖滨突击队" in rows[0].text and "南港堤段" in rows[0].text
    client.force_login(township["a"])
    page = client.get(f"/assessment/scores/{score.pk}/campaign_turnouts/").content.decode()
    assert "南港堤段" in page and "2026-03-13" in page


def test_letters_kept_unless_a_failure_of_duty_is_recorded(township, township_admin, client):
    """GIVEN A and B both signed the straw-burning letter and B's incident led to an
    accountability record WHEN March is scored THEN A kept 1 of 1 letters, B 0 of 1."""
    a, b = township["a"], township["b"]
    with _at(2):
        campaign = _campaign(township_admin, township["area"], "straw_burning", "秸秆禁烧")
        pledge = pledge_publish(actor=township_admin, campaign=campaign, text="我承诺不焚烧秸秆")
    with _at(3):
        pledge_acknowledge(actor=a, pledge=pledge)
        pledge_acknowledge(actor=b, pledge=pledge)
    with _at(15):
        incident = duty_log_record(
            actor=b,
            campaign=campaign,
            kind="incident",
            day=datetime.date(2026, 3, 15),
            place="郭屋田头",
            text="发现焚烧未制止",
        )
        accountability_open(
            actor=township_admin,
            campaign=campaign,
            area=Region.objects.get(code=testing.VILLAGE_B),
            failure="巡查不力",
            member=b.member,
            duty_log=incident,
        )
    weights = {"pledges_kept": 50, "duty_pledges": 50}
    kept = _line(_score(a.member, weights, township_admin), "pledges_kept")
    assert (kept["num"], kept["den"]) == (1, 1)
    broken = Score.objects.get(member=b.member, period_key="2026-03")
    assert (_line(broken, "pledges_kept")["num"], _line(broken, "pledges_kept")["den"]) == (0, 1)
    assert broken.score == Decimal("50.0")
    rows = REGISTRY["pledges_kept"].records(b.member, MARCH)
    assert [(r.text, r.ok, r.day) for r in rows] == [("秸秆禁烧", False, datetime.date(2026, 3, 3))]
    assert "/campaigns/" in rows[0].link
    assert REGISTRY["pledges_kept"].records(a.member, MARCH)[0].ok is True
    client.force_login(b)
    page = client.get(f"/assessment/scores/{broken.pk}/pledges_kept/").content.decode()
    assert "秸秆禁烧" in page


def test_inspections_of_the_hamlets_served(
    township, township_admin, secretary_a, secretary_b, client
):
    """GIVEN inspections of hamlet A (80 and 60 of 100) and hamlet B (50 of 100) in March, and
    one of A in February WHEN March is scored THEN A's grid worker has 140 of 200, B's 50 of 100."""
    with _at(1):
        items = [
            item_add(actor=township_admin, township_code=testing.TOWNSHIP, name=n, max_points=50)
            for n in ("庭院整洁", "垃圾分类")
        ]
        council_a = council_create(actor=secretary_a, hamlet=Region.objects.get(code=HAMLET_A))
        council_b = council_create(actor=secretary_b, hamlet=Region.objects.get(code=HAMLET_B))

    def inspect(actor, hamlet, council, day, points):
        return inspection_record(
            actor=actor,
            hamlet=Region.objects.get(code=hamlet),
            council=council,
            day=day,
            scores={items[0].pk: points[0], items[1].pk: points[1]},
        )

    with _at(28):
        inspect(secretary_a, HAMLET_A, council_a, datetime.date(2026, 2, 20), (10, 10))
        inspect(secretary_a, HAMLET_A, council_a, datetime.date(2026, 3, 10), (40, 40))
        inspect(secretary_a, HAMLET_A, council_a, datetime.date(2026, 3, 24), (30, 30))
        inspect(secretary_b, HAMLET_B, council_b, datetime.date(2026, 3, 11), (25, 25))
    score = _score(township["a"].member, {"inspection_results": 100}, township_admin)
    line = _line(score, "inspection_results")
    assert (line["num"], line["den"], line["points"]) == (140, 200, 70.0)
    b_score = Score.objects.get(member=township["b"].member, period_key="2026-03")
    assert (_line(b_score, "inspection_results")["num"], b_score.score) == (50, Decimal("50.0"))
    rows = REGISTRY["inspection_results"].records(township["a"].member, MARCH)
    assert [r.day.day for r in rows] == [10, 24]
    assert rows[0].status == "80 of 100 points" and HAMLET_A in rows[0].link
    client.force_login(township["a"])
    page = client.get(f"/assessment/scores/{score.pk}/inspection_results/").content.decode()
    assert "80 of 100 points" in page
