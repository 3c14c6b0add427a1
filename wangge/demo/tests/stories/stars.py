"""The demo's five-star year: every branch's 2021 round final, 徐胜平 of 泊湖社区's 徐滩 a
five-star member, a public page with commitments for every member (mobile ones hidden)."""

import io

import pytest
from django.core.management import call_command

from wangge.assessment import stars
from wangge.assessment.models import PublicPage, StarRound, StarStep
from wangge.assessment.public import page_by_token, residents_served
from wangge.party.models import Member

BOHU = "340827200002"


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEMO_PASSWORD = "Demo-pass-2026"
    return settings


@pytest.mark.slow
def test_demo_has_the_2021_five_star_year(db, demo_settings):
    call_command("demo", "--scale", "0.1", stdout=io.StringIO())
    branches = Member.objects.values("organisation_id").distinct().count()
    rounds = StarRound.objects.filter(year=2021)
    assert rounds.count() == branches
    assert set(rounds.values_list("step", flat=True)) == {StarStep.FINAL}
    star = Member.objects.get(name="徐胜平", area_code__startswith=BOHU)
    assert star.area.parent.name == "徐滩" and star.organisation.area_code == BOHU
    assert stars.stars_by_year(star) == {2021: stars.STAR_KINDS}
    assert PublicPage.objects.count() == Member.objects.count()
    page = PublicPage.objects.get(member=star)
    assert page.commitments and page_by_token(page.token) == page
    mobile = PublicPage.objects.filter(member__is_mobile=True).first()
    assert mobile is None or page_by_token(mobile.token) is None
    served = residents_served(Member.objects.filter(organisation=star.organisation))
    assert served["residents"] > 0 and served["members_serving"] <= served["members"]
