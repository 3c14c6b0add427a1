"""From flag to help: accepting applies the rule's tag, dismissing leaves it, the paired member
is made responsible, and re-evaluation still lapses a flag whose condition no longer holds."""

import pytest

from wangge import testing
from wangge.assistance.models import Plan
from wangge.core.errors import ConflictError
from wangge.flags.models import Flag, FlagStatus
from wangge.flags.services import flag_accept, flag_dismiss, flags_evaluate
from wangge.flags.tests.conftest import HAMLET_A, MEDICAL_HEADERS, TODAY, head_id, upload
from wangge.pairing.services import pairing_create


@pytest.fixture
def flags(officer, homes, rules, sources):
    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [
            ["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"],
            ["汪二", head_id(2), "住院", "2021-04-05", "1", "70000"],
        ],
    )
    return {f.household_id: f for f in Flag.objects.select_related("rule", "household")}


def _tags(household) -> set[str]:
    return set(household.tags.values_list("slug", flat=True))


def test_accept_tags_the_household_and_dismiss_leaves_it(
    client, secretary_a, township_admin, homes, flags
):
    """GIVEN two 大病 flags WHEN one is accepted and the other dismissed with a reason
    THEN only the accepted household carries 大病, and its timeline says who, when and why."""
    member = testing.make_member(area_code=HAMLET_A, seq=7, name="陈平")
    pairing_create(actor=township_admin, member=member, household=homes["a1"])
    plan = flag_accept(actor=secretary_a, flag=flags[homes["a1"].pk])
    flag_dismiss(actor=secretary_a, flag=flags[homes["a2"].pk], reason="已由子女承担费用")
    assert "severe_illness" in _tags(homes["a1"])
    assert "severe_illness" not in _tags(homes["a2"])
    assert plan.responsible == member and plan.source == "flag"
    client.force_login(secretary_a)
    timeline = client.get(f"/households/{homes['a1'].pk}/timeline/").content.decode()
    assert "大病" in timeline and "secretary-a" in timeline and "大病家庭" in timeline


def test_accepting_twice_leaves_one_plan_and_one_tag_change(secretary_a, township_admin, flags):
    flag = next(iter(flags.values()))
    flag_accept(actor=secretary_a, flag=flag)
    stale = Flag.objects.get(pk=flag.pk)
    stale.status = FlagStatus.RAISED  # a page read before the first decision
    with pytest.raises(ConflictError):
        flag_accept(actor=township_admin, flag=stale)
    assert Plan.objects.count() == 1


def test_a_flag_lapsed_by_re_evaluation_cannot_be_accepted(secretary_a, officer, homes, flags):
    """GIVEN a raised flag WHEN the evidence goes (re-evaluated after the period) and a
    secretary then accepts the page they had open THEN it is refused, no tag, no plan."""
    flag = flags[homes["a1"].pk]
    flags_evaluate(actor=officer, township_code=testing.TOWNSHIP, as_of=TODAY.replace(year=2023))
    flag.refresh_from_db()
    assert flag.status == FlagStatus.LAPSED and flag.evidence  # the evidence stays
    flag.status = FlagStatus.RAISED
    with pytest.raises(ConflictError):
        flag_accept(actor=secretary_a, flag=flag)
    assert not Plan.objects.exists() and "severe_illness" not in _tags(homes["a1"])


def test_attention_list_by_village_with_paired_member_and_scope(
    client, secretary_a, secretary_b, township_admin, homes, flags, django_assert_max_num_queries
):
    """GIVEN a tagged household and two flagged ones WHEN the secretary of A opens the attention
    list THEN A's three show with their statuses, flags and paired member; B's secretary sees
    none of them."""
    from wangge.households.models import Tag

    homes["a3"].tags.add(Tag.objects.get(slug="left_behind_elderly"))
    member = testing.make_member(area_code=HAMLET_A, seq=7, name="陈平")
    pairing_create(actor=township_admin, member=member, household=homes["a1"])
    client.force_login(secretary_a)
    with django_assert_max_num_queries(25):
        page = client.get("/flags/attention/").content.decode()
    for name in ("汪一", "汪二", "汪三", "陈平", "留守老人", "大病家庭"):
        assert name in page
    filtered = client.get("/flags/attention/?tag=left_behind_elderly").content.decode()
    assert "汪三" in filtered and "汪一" not in filtered
    client.force_login(secretary_b)
    assert "汪一" not in client.get("/flags/attention/").content.decode()


def test_flags_page_opens_on_the_latest_year_with_data(client, secretary_a, flags):
    client.force_login(secretary_a)
    page = client.get("/flags/").content.decode()
    assert '<option value="2021" selected>' in page


def test_flags_page_counts_closed_plans_by_outcome(client, secretary_a, homes, flags):
    from wangge.assistance.services import plan_close, step_add, step_set_status

    plan = flag_accept(actor=secretary_a, flag=flags[homes["a1"].pk])
    step = step_add(actor=secretary_a, plan=plan, title="申请低保", measure="policy_aid")
    step_set_status(actor=secretary_a, step=step, status="done")
    plan_close(actor=secretary_a, plan=plan, expected_version=1, outcome_kind="dibao_new")
    client.force_login(secretary_a)
    page = client.get("/flags/").content.decode()
    assert 'id="plan-outcomes"' in page and "outcome=dibao_new" in page
