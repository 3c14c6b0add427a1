"""The demo's stories (the requests and pairing of the service net, 2020's epidemic and flood,
2021's duty campaigns, assessment and five stars, rosters and councils), checked on one small
build: a build at scale 0.1 costs tens of seconds, more on PostgreSQL, so each story module
holds checks of the built database and this test builds it once."""

import time

import pytest

from wangge.demo.tests.stories import (
    assessment,
    councils,
    duty,
    epidemic,
    flood,
    pairing,
    requests,
    stars,
    summaries,
)
from wangge.demo.tests.test_demo import demo_settings, run_demo
from wangge.households.models import Household
from wangge.party.models import Member
from wangge.regions.models import Region

__all__ = ["demo_settings"]

pytestmark = pytest.mark.slow


def test_demo_tells_its_stories_at_small_scale(db, demo_settings, client):
    started = time.process_time()
    output = run_demo("--scale", "0.1")
    assert time.process_time() - started < 120
    # A tenth of the people, the whole region tree.
    assert Region.objects.filter(level="hamlet").count() == 167
    assert Region.objects.filter(level="group").count() == 274
    assert 150 <= Member.objects.count() <= 230  # at least 3 per branch
    assert 1000 <= Household.objects.count() <= 1100
    # Read-only checks first; the councils' check opens pages as a village secretary.
    summaries.check_summaries_follow_the_record()
    requests.check_requests_follow_the_rules()
    pairing.check_pairs_every_key_household(output)
    duty.check_duty_campaigns()
    assessment.check_scores_2021()
    epidemic.check_2020_epidemic(output)
    flood.check_2020_flood()
    stars.check_2021_five_star_year()
    councils.check_rosters_and_councils(client)
