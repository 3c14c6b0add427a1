"""Plans opened from a household's page, steps checked against the plan's dates, and closing
outcomes that must agree with the steps and change the household's tags."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import Role
from wangge.assistance.models import Plan, PlanStatus, StepStatus
from wangge.assistance.services import plan_close, plan_create, step_add, step_set_status
from wangge.audit.models import AuditEvent
from wangge.core.errors import DomainError

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


@pytest.fixture
def household(tags):
    return testing.make_household(area_code=HAMLET_A, seq=1, head_name="汪一")


def _tags(household) -> set[str]:
    return set(household.tags.values_list("slug", flat=True))


def test_secretary_opens_a_plan_from_the_household_page(client, secretary_a, household):
    member = testing.make_member(area_code=HAMLET_A, seq=9, name="陈平")
    client.force_login(secretary_a)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert f"/assistance/new/{household.pk}/" in page
    form = client.get(f"/assistance/new/{household.pk}/?source=visit&ref=12&needs=屋顶漏雨")
    assert "屋顶漏雨" in form.content.decode() and "陈平 · " in form.content.decode()
    response = client.post(
        f"/assistance/new/{household.pk}/",
        {"source": "visit", "source_ref": "12", "needs": "屋顶漏雨", "responsible": member.pk},
    )
    plan = Plan.objects.get()
    assert response["Location"] == f"/assistance/{plan.pk}/"
    assert (plan.source, plan.source_ref, plan.responsible) == ("visit", 12, member)
    again = client.post(
        f"/assistance/new/{household.pk}/",
        {"source": "visit", "source_ref": "12", "needs": "屋顶漏雨"},
    )
    assert again.status_code == 400 and "already has an open plan" in again.content.decode()
    assert Plan.objects.count() == 1


def test_a_plan_outside_scope_is_404_and_read_only_roles_get_403(client, secretary_b, household):
    client.force_login(secretary_b)
    assert client.get(f"/assistance/new/{household.pk}/").status_code == 404
    # A township leader reads the household but does not open plans (an ordinary member of
    # the village does not even see it: 404).
    client.force_login(testing.make_user("leader-a", Role.TOWNSHIP_LEADER, testing.VILLAGE_A))
    assert client.get(f"/assistance/new/{household.pk}/").status_code == 403
    assert not Plan.objects.exists()


def test_step_due_before_the_plan_opened_is_refused_far_past_warned(client, secretary_a, household):
    plan = plan_create(actor=secretary_a, household=household, needs="看病")
    opened = timezone.localdate(plan.created_at)
    with pytest.raises(ValidationError, match="before the plan was opened"):
        step_add(actor=secretary_a, plan=plan, title="旧", due_date=datetime.date(2019, 1, 1))
    client.force_login(secretary_a)
    response = client.post(
        f"/assistance/{plan.pk}/steps/", {"title": "旧", "due_date": "2019-01-01"}
    )
    assert response.status_code == 400 and "before the plan was opened" in response.content.decode()
    assert not plan.steps.exists()
    # A plan opened long ago (recorded late): a step due then is kept, with a warning.
    Plan.objects.filter(pk=plan.pk).update(
        created_at=plan.created_at - datetime.timedelta(days=400)
    )
    response = client.post(
        f"/assistance/{plan.pk}/steps/",
        {"title": "补录", "due_date": str(opened - datetime.timedelta(days=300))},
        follow=True,
    )
    assert "long past" in response.content.decode() and plan.steps.count() == 1


def test_closing_outcome_must_agree_with_the_steps_and_moves_the_tags(
    client, secretary_a, household
):
    """GIVEN a plan with a pending policy step WHEN it is closed as 纳入低保 THEN refused; once
    the step is done THEN it closes, the household is tagged 低保, the timeline says why."""
    plan = plan_create(actor=secretary_a, household=household, needs="收入低")
    step = step_add(actor=secretary_a, plan=plan, title="申请低保", measure="policy_aid")
    with pytest.raises(ValidationError, match="No step of this plan is done"):
        plan_close(actor=secretary_a, plan=plan, expected_version=1, outcome_kind="dibao_new")
    other = step_add(actor=secretary_a, plan=plan, title="走访", measure="daily_care")
    step_set_status(actor=secretary_a, step=other, status=StepStatus.DONE)
    with pytest.raises(ValidationError, match="policy decision"):
        plan_close(actor=secretary_a, plan=plan, expected_version=1, outcome_kind="dibao_new")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.OPEN and "low_income" not in _tags(household)
    step_set_status(actor=secretary_a, step=step, status=StepStatus.DONE)
    plan = plan_close(actor=secretary_a, plan=plan, expected_version=1, outcome_kind="dibao_new")
    assert plan.status == PlanStatus.CLOSED and "low_income" in _tags(household)
    event = AuditEvent.objects.get(action="household.tags_change")
    assert event.detail["add"] == ["low_income"] and event.actor == secretary_a
    client.force_login(secretary_a)
    timeline = client.get(f"/households/{household.pk}/timeline/").content.decode()
    assert "+低保" in timeline


def test_a_plan_needs_its_need_and_a_known_source(secretary_a, household):
    with pytest.raises(ValidationError, match="need"):
        plan_create(actor=secretary_a, household=household, needs=" ")
    with pytest.raises(ValidationError, match="which visit"):
        plan_create(actor=secretary_a, household=household, needs="x", source="request")
    plan_create(actor=secretary_a, household=household, needs="x", source="request", source_ref=3)
    with pytest.raises(DomainError):
        plan_create(
            actor=secretary_a, household=household, needs="y", source="request", source_ref=3
        )
    assert Plan.objects.count() == 1


def test_steps_due_for_the_owner_and_the_secretary(client, secretary_a, household, regions):
    from wangge.accounts.models import Role

    member = testing.make_member(area_code=HAMLET_A, seq=9, name="陈平")
    user = testing.make_user("chen", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    plan = plan_create(actor=secretary_a, household=household, needs="看病", responsible=member)
    step_add(actor=secretary_a, plan=plan, title="陪同就医", due_date=timezone.localdate())
    for who in (user, secretary_a):
        client.force_login(who)
        assert "陪同就医" in client.get("/assistance/steps-due/").content.decode()


def test_a_request_page_offers_a_plan_for_its_household(client, secretary_a, household):
    from wangge.appeals.categories import categories_for
    from wangge.appeals.services import appeal_create

    appeal = appeal_create(
        actor=secretary_a,
        household=household,
        category=categories_for(testing.TOWNSHIP).first(),
        text="家里老人住院，医药费负担重",
        channel="phone_line",
        contact_name="汪一",
        contact_phone="13800000000",
    )
    client.force_login(secretary_a)
    page = client.get(f"/requests/{appeal.pk}/").content.decode()
    assert f"/assistance/new/{household.pk}/?source=request&amp;ref={appeal.pk}" in page
    form = client.get(
        f"/assistance/new/{household.pk}/",
        {"source": "request", "ref": appeal.pk, "needs": appeal.text},
    ).content.decode()
    assert "医药费负担重" in form and f'value="{appeal.pk}"' in form


def test_responsible_choice_tells_namesakes_apart_and_searches(client, secretary_a, household):
    """GIVEN two members called 陈平 and one 王强 WHEN the secretary searches 陈 on the new-plan
    page THEN only the two 陈平 are offered, each with branch and phone tail to tell them apart."""
    first = testing.make_member(area_code=HAMLET_A, seq=31, name="陈平")
    second = testing.make_member(area_code=HAMLET_A, seq=32, name="陈平")
    testing.make_member(area_code=HAMLET_A, seq=33, name="王强")
    client.force_login(secretary_a)
    page = client.get(f"/assistance/new/{household.pk}/", {"member_q": "陈"}).content.decode()
    assert "王强" not in page
    assert ">Find a member by name</label>" in page
    labels = next(line for line in page.splitlines() if "陈平 · " in line)
    assert first.phone_masked in labels and second.phone_masked in labels
    assert "支部" in labels
