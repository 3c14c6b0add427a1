"""The demo's 2020–2021 stories (campaigns, rosters and councils, assessment, five stars),
checked on one small build: each story module's check runs on the same database, its own
build replaced by this one (a build at scale 0.1 costs tens of seconds, on PostgreSQL more)."""

import pytest

from wangge.demo.tests.stories import assessment, councils, duty, epidemic, flood, stars
from wangge.demo.tests.test_demo import demo_settings, run_demo

__all__ = ["demo_settings"]


def test_demo_tells_2020_and_2021(db, demo_settings, client, monkeypatch):
    output = run_demo("--scale", "0.1")
    for module in (duty, assessment, epidemic, flood, councils):
        monkeypatch.setattr(module, "run_demo", lambda *args: output)
    monkeypatch.setattr(stars, "call_command", lambda *args, **kwargs: None)
    # Read-only checks first; the councils' check opens pages as a village secretary.
    duty.test_demo_tells_the_duty_campaigns(db, demo_settings)
    assessment.test_demo_scores_2021(db, demo_settings)
    epidemic.test_demo_tells_the_2020_epidemic(db, demo_settings)
    flood.test_demo_tells_the_2020_flood(db, demo_settings)
    stars.test_demo_has_the_2021_five_star_year(db, demo_settings)
    councils.test_demo_fills_rosters_and_councils(db, demo_settings, client)


pytestmark = pytest.mark.slow
