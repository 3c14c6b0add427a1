"""One timeline per household: visits, requests, flags and plan steps, each only as far as the
reader may see them elsewhere."""

import datetime

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.assistance.services import plan_create, step_add
from wangge.pairing.models import Pairing
from wangge.visits.services import visit_log

HAMLET_A = testing.VILLAGE_A + "001"


@pytest.fixture
def home(regions, tags, township_admin):
    member = testing.make_member(area_code=HAMLET_A, seq=1, name="王党员")
    user = testing.make_user("field-member", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    household = testing.make_household(area_code=HAMLET_A, seq=11, head_name="汪大海")
    pairing = Pairing(member=member, household=household, started_on=datetime.date(2026, 1, 5))
    pairing.set_area(household.area)
    pairing.save()
    visit_log(
        actor=user,
        household=household,
        visited_on=datetime.date(2026, 3, 2),
        found="屋顶漏雨",
        needs="请村里帮忙修缮",
        today=datetime.date(2026, 3, 2),
    )
    plan = plan_create(actor=township_admin, household=household, needs="修缮住房")
    step_add(actor=township_admin, plan=plan, title="联系危房改造", measure="housing")
    return {"household": household, "user": user, "member": member}


def test_household_page_shows_visits_and_plan_steps_newest_first(client, secretary_a, home):
    client.force_login(secretary_a)
    page = client.get(f"/households/{home['household'].pk}/").content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "屋顶漏雨" in timeline and "联系危房改造" in timeline
    # The plan step was added today, after the March visit: it comes first.
    assert timeline.index("联系危房改造") < timeline.index("屋顶漏雨")
    full = client.get(f"/households/{home['household'].pk}/timeline/")
    assert full.status_code == 200
    assert "屋顶漏雨" in full.content.decode()


def test_timeline_is_scoped_like_the_records(client, secretary_b, home):
    client.force_login(secretary_b)
    assert client.get(f"/households/{home['household'].pk}/timeline/").status_code == 404


def test_the_paired_member_sees_their_visit_on_the_timeline(client, home):
    client.force_login(home["user"])
    page = client.get(f"/households/{home['household'].pk}/timeline/").content.decode()
    assert "王党员" in page and "屋顶漏雨" in page
