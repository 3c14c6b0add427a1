"""The demo's five-star year: every branch's 2021 round final, 徐胜平 of 泊湖社区's 徐滩 a
five-star member, a public page with commitments for every member (mobile ones hidden)."""

from wangge.assessment import stars
from wangge.assessment.models import PublicPage, StarRound, StarStep
from wangge.assessment.public import page_by_token, residents_served
from wangge.party.models import Member

BOHU = "340827200002"


def check_2021_five_star_year():
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
