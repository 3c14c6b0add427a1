import pytest

from wangge import testing
from wangge.core.errors import ConflictError
from wangge.flags.models import AgencyRecord, Flag, FlagStatus
from wangge.flags.selectors import _flag_evidence
from wangge.flags.services import (
    agency_batch_rollback,
    flag_accept,
    flag_dismiss,
    flags_evaluate,
    rules_seed,
)
from wangge.flags.tests.conftest import (
    DIBAO_HEADERS,
    DISABILITY_HEADERS,
    MEDICAL_HEADERS,
    TEKUN_HEADERS,
    TODAY,
    head_id,
    upload,
)


@pytest.fixture
def rules(township_admin, tags):
    return {r.slug: r for r in rules_seed(township_code=testing.TOWNSHIP, actor=township_admin)}


def _medical(officer, sources, rows):
    return upload(officer, sources["medical_insurance"], MEDICAL_HEADERS, rows)


def test_severe_illness_sums_a_household_over_twelve_months(officer, sources, homes, rules):
    """GIVEN settlements of several households WHEN a household's self-paid costs in 12 months
    pass 50,000 THEN it has one flag naming exactly the rows inside the window."""
    _medical(
        officer,
        sources,
        [
            ["汪一", head_id(1), "住院", "2021-03-05", "1", "30000"],
            ["汪一", head_id(1), "住院", "2021-11-20", "1", "20000.01"],
            ["汪一", head_id(1), "住院", "2020-06-01", "1", "90000"],  # older than 12 months
            ["汪二", head_id(2), "住院", "2021-05-01", "1", "50000"],  # not more than 50,000
            ["郭一", head_id(4), "住院", "2021-05-01", "1", "80000"],
        ],
    )
    flags = Flag.objects.filter(rule=rules["severe_illness"], status=FlagStatus.RAISED)
    assert sorted(f.household.head_name for f in flags) == ["汪一", "郭一"]
    wang = flags.get(household=homes["a1"])
    rows = list(_flag_evidence(wang).values_list("row_number", flat=True))
    assert rows == [2, 3]
    assert wang.rule_version == rules["severe_illness"].current
    assert wang.area_code == homes["a1"].area_code


def test_re_evaluation_is_idempotent(officer, sources, homes, rules):
    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    before = list(Flag.objects.values_list("id", "status", "evidence"))
    result = flags_evaluate(actor=officer, township_code=testing.TOWNSHIP, as_of=TODAY)
    assert (result.raised, result.updated, result.lapsed) == (0, 0, 0)
    assert list(Flag.objects.values_list("id", "status", "evidence")) == before


def test_flag_lapses_when_its_batch_is_rolled_back(officer, sources, homes, rules):
    batch = _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    flag = Flag.objects.get()
    agency_batch_rollback(actor=officer, batch=batch, as_of=TODAY)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.LAPSED and flag.lapsed_at is not None
    assert list(_flag_evidence(flag)) == list(AgencyRecord.objects.all())  # still explainable


def test_evidence_grows_and_flag_is_updated_not_duplicated(officer, sources, homes, rules):
    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    _medical(officer, sources, [["汪一", head_id(1), "门诊", "2021-04-05", "1", "100"]])
    flag = Flag.objects.get()
    assert len(flag.evidence) == 2


def test_dismissed_flag_stays_dismissed_until_new_evidence(
    officer, secretary_a, sources, homes, rules
):
    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    flag = Flag.objects.get()
    flag_dismiss(actor=secretary_a, flag=flag, reason="已核实为误报")
    flags_evaluate(actor=officer, township_code=testing.TOWNSHIP, as_of=TODAY)
    assert list(Flag.objects.values_list("status", flat=True)) == [FlagStatus.DISMISSED]
    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-06-05", "1", "100"]])
    assert Flag.objects.filter(status=FlagStatus.RAISED).count() == 1


def test_extreme_hardship_and_severe_disability(officer, sources, homes, rules):
    upload(
        officer,
        sources["civil_affairs_dibao"],
        DIBAO_HEADERS,
        [
            ["汪一", head_id(1), "2", "A类", "500", "2021.03"],
            ["汪二", head_id(2), "1", "C", "300", "2019-05"],
        ],
    )
    upload(
        officer,
        sources["civil_affairs_tekun"],
        TEKUN_HEADERS,
        [
            ["汪一", head_id(1), "分散", "全失能", "2021-02-01"],
        ],
    )
    upload(
        officer,
        sources["disability"],
        DISABILITY_HEADERS,
        [
            ["汪二", head_id(2), head_id(2) + "42", "肢体", "二级"],
            ["汪三", head_id(3), head_id(3) + "41", "肢体", "一级"],  # not poor: no flag
        ],
    )
    open_flags = {(f.rule.slug, f.household.head_name) for f in Flag.objects.all()}
    assert open_flags == {("extreme_hardship", "汪一"), ("severe_disability", "汪二")}
    hardship = Flag.objects.get(rule__slug="extreme_hardship")
    assert sorted(_flag_evidence(hardship).values_list("kind", flat=True)) == [
        "civil_affairs_dibao",
        "civil_affairs_tekun",
    ]


def test_accept_opens_a_plan_and_two_reviewers_cannot_both_win(
    officer, secretary_a, township_admin, sources, homes, rules
):
    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    flag = Flag.objects.get()
    stale = Flag.objects.get()  # the second reviewer read the same raised flag
    plan = flag_accept(actor=secretary_a, flag=flag, needs="医疗费用负担重")
    assert plan.household == homes["a1"] and plan.flag == flag
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACCEPTED and flag.decided_by == secretary_a
    with pytest.raises(ConflictError, match="already decided"):
        flag_dismiss(actor=township_admin, flag=stale, reason="重复")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACCEPTED and flag.reason == ""


def test_dismiss_needs_a_reason_and_a_reviewer_in_scope(
    officer, secretary_b, secretary_a, sources, homes, rules
):
    from django.core.exceptions import PermissionDenied, ValidationError

    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    flag = Flag.objects.get()
    with pytest.raises(ValidationError):
        flag_dismiss(actor=secretary_a, flag=flag, reason="  ")
    with pytest.raises(PermissionDenied):
        flag_dismiss(actor=secretary_b, flag=flag, reason="x")
    with pytest.raises(PermissionDenied):
        flag_accept(actor=officer, flag=flag)
    assert Flag.objects.get().status == FlagStatus.RAISED


def test_version_edit_re_evaluates_and_lapses(officer, township_admin, sources, homes, rules):
    from wangge.flags.services import rule_update

    _medical(officer, sources, [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]])
    rule_update(
        actor=township_admin,
        rule=rules["severe_illness"],
        conditions={
            "all": [
                {
                    "source": "medical_insurance",
                    "sum": "self_paid",
                    "within_months": 12,
                    "gt": 70000,
                }
            ]
        },
    )
    result = flags_evaluate(actor=officer, township_code=testing.TOWNSHIP, as_of=TODAY)
    assert result.lapsed == 1
    assert Flag.objects.get().status == FlagStatus.LAPSED


def test_task_wrapper_runs_the_same_evaluation(officer, sources, homes, rules):
    from wangge.flags.tasks import flags_evaluate_task

    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]],
        evaluate_flags=False,
    )
    assert not Flag.objects.exists()
    result = flags_evaluate_task(
        actor_id=officer.pk, township_code=testing.TOWNSHIP, as_of=TODAY.isoformat()
    )
    assert result.get() == {"raised": 1, "updated": 0, "lapsed": 0}
    assert Flag.objects.count() == 1
