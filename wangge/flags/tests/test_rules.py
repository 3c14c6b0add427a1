import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wangge import testing
from wangge.flags.models import Rule
from wangge.flags.rules import SEED_RULES, conditions_validate
from wangge.flags.services import rule_update, rules_seed

TAGS = {"hardship", "severe_illness"}


def test_seed_rules_are_valid_and_seeding_is_idempotent(township_admin, tags):
    for spec in SEED_RULES:
        conditions_validate(spec["conditions"])
    rules_seed(township_code=testing.TOWNSHIP)
    rules_seed(township_code=testing.TOWNSHIP)
    assert Rule.objects.count() == len(SEED_RULES) == 4
    assert all(r.current.number == 1 for r in Rule.objects.all())


@pytest.mark.parametrize(
    ("conditions", "words"),
    [
        ({"on_list": "tax_office"}, "unknown source “tax_office”"),
        (
            {"source": "medical_insurance", "sum": "selfpaid", "within_months": 12, "gt": 1},
            "no amount field “selfpaid”",
        ),
        ({"source": "disability", "field": "colour", "in": [1]}, "no field “colour”"),
        ({"source": "medical_insurance", "sum": "self_paid", "within_months": 12}, "threshold"),
        (
            {"source": "medical_insurance", "sum": "self_paid", "within_months": 0, "gt": 1},
            "within_months",
        ),
        ({"all": []}, "non-empty list"),
        ({"all": [{"on_list": "disability"}], "any": []}, "stands alone"),
        ({"has_tag": "nobody"}, "unknown tag"),
        ({"eval": "__import__('os')"}, "unknown condition"),
        ({"on_list": "disability", "extra": 1}, "unexpected keys"),
        ("drop table", "must be an object"),
    ],
)
def test_bad_conditions_are_refused_with_the_part_to_fix(conditions, words):
    with pytest.raises(ValidationError) as caught:
        conditions_validate(conditions, tag_slugs=TAGS)
    assert words in caught.value.message_dict["conditions"][0]


def test_nested_path_is_named():
    with pytest.raises(ValidationError, match=r"all\[1\]"):
        conditions_validate({"all": [{"on_list": "disability"}, {"on_list": "x"}]}, tag_slugs=TAGS)


def test_editing_a_rule_adds_a_version(township_admin, tags):
    rule = rules_seed(township_code=testing.TOWNSHIP)[0]
    new = {
        "all": [
            {"source": "medical_insurance", "sum": "self_paid", "within_months": 12, "gt": 40000}
        ]
    }
    version = rule_update(actor=township_admin, rule=rule, conditions=new, note="lower")
    rule.refresh_from_db()
    assert version.number == 2 and rule.current == version
    assert rule.versions.count() == 2
    with pytest.raises(ValidationError, match="not valid JSON"):
        rule_update(actor=township_admin, rule=rule, conditions="{oops")
    rule.refresh_from_db()
    assert rule.versions.count() == 2


def test_only_the_township_admin_edits_rules(secretary_a, tags):
    rule = rules_seed(township_code=testing.TOWNSHIP)[0]
    with pytest.raises(PermissionDenied):
        rule_update(actor=secretary_a, rule=rule, conditions={"on_list": "disability"})
