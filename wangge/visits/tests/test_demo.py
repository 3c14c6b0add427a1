"""The visits and campaign demo data: histories that follow the policies, shaped login tasks."""

import datetime

from wangge import testing
from wangge.campaigns.models import Campaign, Consultation, Opinion
from wangge.demo.campaigns import NAME, campaign_demo_load
from wangge.demo.visits import visits_demo_load
from wangge.regions.models import Region
from wangge.visits.models import Visit
from wangge.visits.selectors import my_households, overdue_rollup

from .conftest import HAMLET_A, pair

TODAY = datetime.date(2026, 6, 30)


def test_history_gives_a_login_one_task_of_each_kind(world, township_admin):
    login = world["user"]
    login.username = "member-340827200200-1"
    login.save(update_fields=["username"])
    third = testing.make_household(area_code=HAMLET_A, seq=31, head_name="第三户")
    pair(world["member"], third)
    made = visits_demo_load(township_code=testing.TOWNSHIP, seed=1, today=TODAY)
    assert made == Visit.objects.count() > 3
    assert not Visit.objects.filter(visited_on__gt=TODAY).exists()
    statuses = sorted(row.status for row in my_households(login, TODAY))
    assert statuses == ["due", "ok", "overdue"]
    assert overdue_rollup(township_admin, TODAY)["total"].overdue == 1
    # Same seed, same data.
    first = list(Visit.objects.order_by("household_id", "visited_on").values_list("visited_on"))
    Visit.objects.all().delete()
    visits_demo_load(township_code=testing.TOWNSHIP, seed=1, today=TODAY)
    again = list(Visit.objects.order_by("household_id", "visited_on").values_list("visited_on"))
    assert first == again


def test_no_pairings_no_history(regions, tags):
    assert visits_demo_load(township_code=testing.TOWNSHIP, seed=1, today=TODAY) == 0


def test_campaign_with_categorised_opinions(world):
    for seq in range(40, 46):
        testing.make_member(area_code=HAMLET_A, seq=seq)
    counts = campaign_demo_load(
        township=Region.objects.get(code=testing.TOWNSHIP), seed=3, today=TODAY, scale=0.01
    )
    campaign = Campaign.objects.get(name=NAME)
    assert counts["members_consulted"] == 7  # every resident member: fewer than 1,082 × 0.01
    assert counts["opinions"] == Opinion.objects.filter(campaign=campaign).count() == 3
    assert not Opinion.objects.filter(category__isnull=True).exists()
    assert not Opinion.objects.filter(consultation__isnull=True).exists()
    assert campaign.ends_on < TODAY
    consultations = Consultation.objects.filter(campaign=campaign)
    assert all(campaign.starts_on <= c.day <= campaign.ends_on for c in consultations)
    assert not Visit.objects.filter(campaign=campaign).exists()
