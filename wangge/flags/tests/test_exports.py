"""Flag, plan and attention-list exports: scoped, audited, masked, formula-safe; no upload form
for these export-only kinds; the same lists from ``wangge export``."""

import io

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from wangge.assistance.services import plan_close, step_add, step_set_status
from wangge.audit.models import AuditEvent
from wangge.flags.models import Flag
from wangge.flags.services import flag_accept
from wangge.flags.tests.conftest import MEDICAL_HEADERS, head_id, upload


@pytest.fixture
def flagged(officer, homes, rules, sources):
    upload(
        officer,
        sources["medical_insurance"],
        MEDICAL_HEADERS,
        [
            ["=HYPERLINK(1)", head_id(1), "住院", "2021-03-05", "1", "60000"],
            ["郭一", head_id(4), "住院", "2021-03-05", "1", "60000"],
        ],
    )
    return Flag.objects.select_related("household", "rule")


def _sheet(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_flag_export_is_scoped_masked_and_audited(client, secretary_a, homes, flagged):
    homes["a1"].head_name = "=HYPERLINK(1)"
    homes["a1"].save(update_fields=["head_name"])
    client.force_login(secretary_a)
    queue = client.get("/flags/queue/").content.decode()
    assert "/imports/flags/export.xlsx?status=raised" in queue
    response = client.get("/imports/flags/export.xlsx", {"status": "raised"})
    rows = _sheet(response.content)
    assert rows[0][:3] == ["风险编号", "户主姓名", "户主身份证号（脱敏）"]
    assert len(rows) == 2  # village B's flag is not secretary A's
    assert rows[1][1] == "'=HYPERLINK(1)" and "*" in rows[1][2] and rows[1][5] == "大病家庭"
    event = AuditEvent.objects.get(action="export")
    assert event.detail["kind"] == "flags" and event.detail["filters"] == {"status": "raised"}
    assert event.actor == secretary_a


def test_export_only_kinds_have_no_upload_form(client, secretary_a, flagged):
    client.force_login(secretary_a)
    for kind in ("flags", "plans", "attention"):
        assert client.get(f"/imports/{kind}/").status_code == 404
        assert client.get(f"/imports/{kind}/template.xlsx").status_code == 404
        assert client.get(f"/imports/{kind}/export-full/").status_code == 404
        assert client.get(f"/imports/{kind}/export.xlsx").status_code == 200


def test_plan_and_attention_exports_from_pages_and_command(
    client, secretary_a, homes, flagged, tmp_path
):
    plan = flag_accept(actor=secretary_a, flag=flagged.get(household=homes["a1"]))
    step = step_add(actor=secretary_a, plan=plan, title="医疗救助申请", measure="medical")
    step_set_status(actor=secretary_a, step=step, status="done")
    plan_close(actor=secretary_a, plan=plan, expected_version=1, outcome_kind="medical_aid")
    client.force_login(secretary_a)
    plans = _sheet(client.get("/imports/plans/export.xlsx", {"outcome": "medical_aid"}).content)
    assert len(plans) == 2 and plans[1][8] == "1/1" and "医疗救助" in plans[1][10]
    attention = _sheet(client.get("/imports/attention/export.xlsx").content)
    assert [r[1] for r in attention[1:]] == ["汪一"] and "大病" in attention[1][6]
    for kind in ("flags", "plans", "attention"):
        out = tmp_path / f"{kind}.xlsx"
        call_command("export", kind, str(out), "--user", "secretary-a")
        assert len(_sheet(out.read_bytes())) >= 2
    assert AuditEvent.objects.filter(action="export").count() == 5
