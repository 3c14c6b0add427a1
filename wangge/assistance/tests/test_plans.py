import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge import testing
from wangge.assistance.models import Plan, PlanStatus, StepStatus
from wangge.assistance.services import plan_create, plan_update, step_add, step_set_status
from wangge.audit.models import AuditEvent
from wangge.core.errors import ConflictError

HAMLET_A = testing.VILLAGE_A + "001"


@pytest.fixture
def household(tags):
    return testing.make_household(area_code=HAMLET_A, seq=1)


def _update(actor, plan, **kw):
    values = {
        "needs": plan.needs,
        "measures": plan.measures,
        "responsible": plan.responsible,
        "status": plan.status,
        "outcome": plan.outcome,
    }
    values.update(kw)
    return plan_update(
        actor=actor,
        plan=plan,
        expected_version=kw.pop("v", plan.version),
        **{k: v for k, v in values.items() if k != "v"},
    )


def test_plan_with_steps_and_responsible_member(secretary_a, household):
    member = testing.make_member(area_code=HAMLET_A, seq=9)
    plan = plan_create(
        actor=secretary_a,
        household=household,
        needs="看病贵",
        measures=["medical", "policy_aid"],
        responsible=member,
    )
    assert plan.measures == ["policy_aid", "medical"] and plan.area_code == HAMLET_A
    step = step_add(
        actor=secretary_a,
        plan=plan,
        title="申请临时救助",
        measure="policy_aid",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert step.owner == member  # the plan's responsible member by default
    step_set_status(actor=secretary_a, step=step, status=StepStatus.DONE)
    step.refresh_from_db()
    assert step.done_at is not None
    plan = _update(
        secretary_a, plan, status=PlanStatus.CLOSED, outcome="已落实", outcome_kind="medical_aid"
    )
    assert plan.version == 2 and plan.status == PlanStatus.CLOSED
    assert plan.outcome_kind == "medical_aid" and plan.closed_at is not None
    assert AuditEvent.objects.filter(action__startswith="assistance.").count() == 4


def test_stale_edit_is_refused(secretary_a, township_admin, household):
    plan = plan_create(actor=secretary_a, household=household, needs="看病")
    stale = Plan.objects.get()
    _update(secretary_a, plan, needs="新")
    with pytest.raises(ConflictError):
        _update(township_admin, stale, needs="旧")
    assert Plan.objects.get().needs == "新"


def test_bad_input_is_refused(secretary_a, secretary_b, household):
    with pytest.raises(ValidationError, match="Unknown measures"):
        plan_create(actor=secretary_a, household=household, needs="看病", measures=["magic"])
    other_village = testing.make_member(area_code=testing.VILLAGE_B + "001", seq=8)
    with pytest.raises(ValidationError, match="own village"):
        plan_create(actor=secretary_a, household=household, needs="看病", responsible=other_village)
    with pytest.raises(PermissionDenied):
        plan_create(actor=secretary_b, household=household, needs="看病")
    assert not Plan.objects.exists()
    plan = plan_create(actor=secretary_a, household=household, needs="看病")
    with pytest.raises(ValidationError):
        step_add(actor=secretary_a, plan=plan, title=" ")
    with pytest.raises(ValidationError, match="Choose the outcome"):
        _update(secretary_a, plan, status=PlanStatus.CLOSED)


@pytest.mark.parametrize(
    ("path", "tampered"),
    [
        ("plan", {"version": "abc"}),
        ("plan", {"version": "99999999999999999999999"}),
        ("plan", {"version": ""}),
        ("plan", {"responsible": "abc"}),
        ("plan", {"status": "magic"}),
        ("plan", {"measures": "magic"}),
        ("step_add", {"due_date": "2026-13-45"}),
        ("step_add", {"measure": "magic"}),
        ("step_status", {"status": "magic"}),
    ],
)
def test_a_tampered_plan_form_is_refused_in_plain_words(
    client, secretary_a, household, path, tampered
):
    """GIVEN a plan with a step WHEN a form arrives with a hidden or chosen field changed
    THEN the page comes back with a plain error and nothing is saved."""
    plan = plan_create(actor=secretary_a, household=household, needs="看病")
    step = step_add(actor=secretary_a, plan=plan, title="联系医保")
    client.force_login(secretary_a)
    url, data = {
        "plan": (
            f"/assistance/{plan.pk}/",
            {"version": plan.version, "needs": "改", "status": PlanStatus.OPEN},
        ),
        "step_add": (f"/assistance/{plan.pk}/steps/", {"title": "新步骤"}),
        "step_status": (f"/assistance/steps/{step.pk}/status/", {"status": StepStatus.DONE}),
    }[path]
    response = client.post(url, {**data, **tampered})
    assert response.status_code == 400
    text = response.content.decode()
    assert "msg-error" in text and (
        "reload the page" in text or "YYYY-MM-DD" in text or "village" in text
    )
    plan.refresh_from_db()
    assert plan.needs == "看病" and plan.version == 1
    assert [(s.title, s.status) for s in plan.steps.all()] == [("联系医保", StepStatus.PENDING)]
