"""The flags pages in plain Chinese: the rule's name field, its description and conditions in
words (JSON only as the advanced view), and the agency preview's column names."""

import pytest

from wangge import testing
from wangge.flags.services import rules_seed
from wangge.flags.tests.conftest import head_id


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default (the suite runs in English)


@pytest.fixture
def rules(township_admin, tags):
    return {r.slug: r for r in rules_seed(township_code=testing.TOWNSHIP)}


def test_rule_page_speaks_chinese_and_hides_the_form_from_readers(
    client, township_admin, secretary_a, rules
):
    client.force_login(township_admin)
    page = client.get(f"/flags/rules/{rules['severe_illness'].pk}/").content.decode()
    assert "规则名称" in page and "姓名" not in page
    assert "近12个月医保结算个人自付费用合计超过5万元" in page
    assert "医保结算近12个月的个人自付合计超过50000" in page
    assert "<details" in page and "条件（高级：JSON）" in page
    disability = client.get(f"/flags/rules/{rules['severe_disability'].pk}/").content.decode()
    assert "在民政低保名单中" in disability and "已标记为家庭困难户" in disability
    client.force_login(secretary_a)
    page = client.get(f"/flags/rules/{rules['severe_illness'].pk}/").content.decode()
    assert "近12个月" in page and 'name="conditions"' not in page


def test_agency_preview_names_the_columns_in_chinese(
    client, officer, homes, rules, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    content = "姓名,身份证号码,结算日期,个人自付\n" + f"汪一,{head_id(1)},2021-03-05,120.5\n"
    response = client.post(
        "/flags/agency/",
        {"source": "medical_insurance", "file": SimpleUploadedFile("医保.csv", content.encode())},
    )
    page = client.get(response["Location"]).content.decode()
    rows = page.split("前几行的读取结果")[-1]
    assert "self_paid=" not in rows and "settle_date" not in rows
    assert "个人自付：120.5" in page or "个人自付：120.50" in page


def _rows_post(rule, rows, **extra):
    data = {
        "mode": "form",
        "match": "all",
        "name": rule.name,
        "description": rule.description,
        "note": "门槛调整",
        "c-TOTAL_FORMS": str(len(rows)),
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows):
        data.update({f"c-{i}-{k}": v for k, v in row.items()})
    data.update(extra)
    return data


def test_conditions_are_edited_as_chinese_rows(client, township_admin, rules):
    """GIVEN the 大病 rule WHEN the administrator raises its threshold in the condition rows
    THEN a new version holds the same condition with 60000; bad rows are refused in words."""
    rule = rules["severe_illness"]
    client.force_login(township_admin)
    page = client.get(f"/flags/rules/{rule.pk}/").content.decode()
    assert 'id="condition-rows"' in page and "金额合计" in page and 'value="50000"' in page
    sum_row = {"kind": "sum", "source": "medical_insurance", "within_months": "12", "op": "gt"}
    response = client.post(
        f"/flags/rules/{rule.pk}/", _rows_post(rule, [{**sum_row, "limit": "60000"}])
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.current.number == 2 and rule.current.note == "门槛调整"
    assert rule.current.conditions == {
        "all": [
            {"source": "medical_insurance", "sum": "self_paid", "within_months": 12, "gt": 60000}
        ]
    }
    bad = client.post(f"/flags/rules/{rule.pk}/", _rows_post(rule, [{**sum_row, "limit": "五万"}]))
    assert bad.status_code == 400 and "50000" in bad.content.decode()
    assert rule.versions.count() == 2
    nested = client.get(f"/flags/rules/{rules['severe_disability'].pk}/").content.decode()
    assert 'id="condition-rows"' not in nested and "JSON" in nested
