import datetime

import pytest
from django.utils import timezone

from wangge import testing
from wangge.assistance.models import Plan, PlanStep
from wangge.flags.models import AgencyBatch, AgencyRecord, BatchStatus, Flag, FlagStatus
from wangge.flags.services import rules_seed
from wangge.flags.tests.conftest import MEDICAL_HEADERS, head_id, upload


def _soon() -> str:
    return str(timezone.localdate() + datetime.timedelta(days=7))


def _csv(rows) -> bytes:
    lines = [",".join(MEDICAL_HEADERS)] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def _post_file(client, content: bytes, name="医保.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/flags/agency/",
        {"source": "medical_insurance", "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def rules(township_admin, tags):
    return rules_seed(township_code=testing.TOWNSHIP)


def test_officer_uploads_checks_and_commits(client, officer, homes, rules, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    day = (timezone.localdate() - datetime.timedelta(days=30)).strftime("%Y.%m.%d")
    response = _post_file(
        client,
        _csv(
            [
                ["汪一", head_id(1), "住院", day, "90000", "60000"],
                ["路人", testing.make_id(datetime.date(1970, 1, 1), 5), "门诊", day, "1", "1"],
            ]
        ),
    )
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    assert "2 rows are ready" in page.content.decode()
    assert 'value="commit"' in page.content.decode()
    assert not AgencyBatch.objects.exists()  # nothing saved before the commit

    response = client.post(
        preview_url,
        {
            "action": "commit",
            "map_name": "姓名",
            "map_id_number": "身份证号码",
            "map_visit_kind": "就诊类别",
            "map_settle_date": "结算日期",
            "map_total_cost": "医疗总费用",
            "map_self_paid": "个人自付",
        },
    )
    batch = AgencyBatch.objects.get()
    assert response["Location"] == f"/flags/agency/batches/{batch.pk}/"
    assert (batch.matched_count, batch.unmatched_count) == (1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "路人" in page  # the unmatched row is listed
    assert Flag.objects.filter(status=FlagStatus.RAISED).count() == 1
    assert not list(tmp_path.joinpath("agency-uploads").iterdir())  # staged file removed

    client.post(f"/flags/agency/batches/{batch.pk}/rollback/")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert Flag.objects.get().status == FlagStatus.LAPSED


def test_bad_file_shows_every_problem_and_cannot_commit(client, officer, homes, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    response = _post_file(
        client,
        _csv(
            [
                ["汪一", "110105194912310021", "住院", "2021-03-05", "1", "三百"],
                ["汪一", head_id(1), "住院", "2021-13-05", "1", "1"],
            ]
        ),
    )
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "3 problems" in page
    assert "should be X" in page and "not an amount" in page and "not a real date" in page
    client.post(
        url,
        {
            "action": "commit",
            "map_id_number": "身份证号码",
            "map_settle_date": "结算日期",
            "map_self_paid": "个人自付",
        },
    )
    assert not AgencyBatch.objects.exists() and not AgencyRecord.objects.exists()


def test_mapping_remembered_and_wrong_columns_reported(client, officer, homes, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    content = "证件号,日期,自付\n" + f"{head_id(1)},2021-03-05,1\n"
    url = _post_file(client, content.encode())["Location"]
    page = client.get(url).content.decode()
    assert "This column is required" in page
    response = client.post(
        url,
        {
            "action": "commit",
            "map_id_number": "证件号",
            "map_settle_date": "日期",
            "map_self_paid": "自付",
        },
    )
    assert AgencyBatch.objects.count() == 1, response.content.decode()[:500]
    url = _post_file(client, content.encode())["Location"]
    assert "<option selected>证件号</option>" in client.get(url).content.decode()


def test_secretary_accepts_from_the_queue_and_edits_the_plan(
    client, officer, secretary_a, homes, rules, sources
):
    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]],
    )
    flag = Flag.objects.get()
    client.force_login(secretary_a)
    assert "汪一" in client.get("/flags/queue/").content.decode()
    detail = client.get(f"/flags/{flag.pk}/").content.decode()
    assert "60000" in detail and "*" in detail  # evidence shown, ID masked
    response = client.post(f"/flags/{flag.pk}/decide/", {"decision": "accept", "needs": "医药费"})
    plan = Plan.objects.get()
    assert response["Location"] == f"/assistance/{plan.pk}/"
    client.post(
        f"/assistance/{plan.pk}/steps/",
        {"title": "申请医疗救助", "measure": "medical", "due_date": _soon()},
    )
    step = PlanStep.objects.get()
    client.post(f"/assistance/steps/{step.pk}/status/", {"status": "done"})
    step.refresh_from_db()
    assert step.status == "done" and step.done_at
    client.post(
        f"/assistance/{plan.pk}/",
        {
            "version": plan.version,
            "needs": "医药费",
            "measures": ["medical", "policy_aid"],
            "status": "closed",
            "outcome": "",
        },
    )
    plan.refresh_from_db()
    assert plan.status == "open"  # closing needs an outcome
    client.post(
        f"/assistance/{plan.pk}/",
        {
            "version": plan.version,
            "needs": "医药费",
            "measures": ["medical", "policy_aid"],
            "status": "closed",
            "outcome": "已获救助",
            "outcome_kind": "medical_aid",
        },
    )
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.measures == ["policy_aid", "medical"]
    timeline = client.get(f"/households/{homes['a1'].pk}/timeline/").content.decode()
    assert "申请医疗救助" in timeline and "大病家庭" in timeline


def test_other_village_sees_404_everywhere(
    client, officer, officer_b, secretary_a, secretary_b, homes, rules, sources
):
    batch = upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]],
    )
    flag = Flag.objects.get()
    client.force_login(secretary_a)
    plan_pk = client.post(f"/flags/{flag.pk}/decide/", {"decision": "accept"})["Location"]
    step = PlanStep.objects.create(plan=Plan.objects.get(), title="x")
    for user in (secretary_b, officer_b):
        client.force_login(user)
        for url in (
            f"/flags/{flag.pk}/",
            f"/flags/agency/batches/{batch.pk}/",
            f"/households/{homes['a1'].pk}/timeline/",
            plan_pk,
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert (
            client.post(
                f"/flags/{flag.pk}/decide/", {"decision": "dismiss", "reason": "x"}
            ).status_code
            == 404
        )
        assert client.post(f"/flags/agency/batches/{batch.pk}/rollback/").status_code == 404
        assert (
            client.post(f"/assistance/steps/{step.pk}/status/", {"status": "done"}).status_code
            == 404
        )
        assert "汪一" not in client.get("/flags/queue/?status=").content.decode()
    assert AgencyBatch.objects.get().status == BatchStatus.COMMITTED


def test_read_only_member_cannot_decide(client, member_a, officer, homes, rules, sources):
    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]],
    )
    flag = Flag.objects.get()
    client.force_login(member_a)
    assert client.get(f"/flags/{flag.pk}/").status_code == 200
    client.post(f"/flags/{flag.pk}/decide/", {"decision": "dismiss", "reason": "x"})
    assert Flag.objects.get().status == FlagStatus.RAISED


def test_rule_page_refuses_a_bad_rule(client, township_admin, rules):
    client.force_login(township_admin)
    rule = rules[0]
    page = client.post(
        f"/flags/rules/{rule.pk}/",
        {"name": rule.name, "description": "", "conditions": '{"on_list": "tax"}'},
    ).content.decode()
    assert "unknown source" in page
    assert rule.versions.count() == 1
    client.post(
        f"/flags/rules/{rule.pk}/",
        {"name": rule.name, "description": "", "conditions": '{"on_list": "disability"}'},
    )
    assert rule.versions.count() == 2


def test_dashboard_and_lists_render(client, township_admin, rules):
    client.force_login(township_admin)
    for url in ("/flags/", "/flags/queue/", "/flags/agency/", "/flags/rules/", "/assistance/"):
        assert client.get(url).status_code == 200, url


def test_queue_queries_do_not_grow_with_flags(
    client, officer, secretary_a, tags, rules, sources, django_assert_max_num_queries
):
    rows = []
    for seq in range(1, 8):
        testing.make_household(area_code=testing.VILLAGE_A + "001", seq=seq, head_name=f"户{seq}")
        rows.append([f"户{seq}", head_id(seq), "住院", "2021-03-05", "1", "60000"])
    upload(officer, sources["medical_insurance"], MEDICAL_HEADERS, rows)
    client.force_login(secretary_a)
    with django_assert_max_num_queries(12):
        page = client.get("/flags/queue/").content.decode()
    assert page.count("<td>大病家庭") == 7


@pytest.mark.parametrize("decision", ["", "approve", "accept\x00"])
def test_a_tampered_decision_is_refused_in_plain_words(
    client, officer, secretary_a, homes, rules, sources, decision
):
    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"]],
    )
    flag = Flag.objects.get()
    client.force_login(secretary_a)
    data = {"decision": decision, "reason": "重复"}
    response = client.post(f"/flags/{flag.pk}/decide/", data, follow=True)
    assert response.status_code == 200 and "reload the page" in response.content.decode()
    assert Flag.objects.get().status == FlagStatus.RAISED and not Plan.objects.exists()


@pytest.mark.parametrize(
    "tampered",
    [{"source": "tax"}, {"source": ""}, {"area_code": "999999999"}, {"area_code": "abc"}],
)
def test_a_tampered_upload_is_refused_in_plain_words(
    client, officer, homes, settings, tmp_path, tampered
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    data = {"source": "medical_insurance", "file": SimpleUploadedFile("医保.csv", b"a,b\n1,2\n")}
    response = client.post("/flags/agency/", {**data, **tampered})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose which agency" in text or "Choose the area" in text
    assert not AgencyBatch.objects.exists() and not list(tmp_path.rglob("*.csv"))


def test_a_rule_posted_with_a_null_character_is_refused(client, township_admin, rules):
    client.force_login(township_admin)
    rule = rules[0]
    response = client.post(
        f"/flags/rules/{rule.pk}/",
        {"name": "规则\x00", "description": "", "conditions": '{"on_list": "disability"}'},
    )
    assert response.status_code == 400 and "Null characters" in response.content.decode()
    assert rule.versions.count() == 1
