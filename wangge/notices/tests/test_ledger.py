"""The notice ledger (通知台账): reach per village as counts, never who has not read it;
scoped to the staff member's area, audited, formula-safe."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.notices.audience import Targets
from wangge.notices.services import notice_open, notice_send

pytestmark = pytest.mark.django_db


def sheet(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.fixture
def sent(scene):
    notice = notice_send(
        actor=scene["admin"],
        area=scene["township"],
        title="=HYPERLINK(1) 秸秆禁烧",
        body="各村：秋收在即，严禁焚烧秸秆。",
        targets=Targets(everyone=True),
    )
    notice_open(user=scene["reader"], notice=notice)
    return notice


def test_notice_ledger_counts_reach_per_village(client, scene, sent):
    client.force_login(scene["admin"])
    page = client.get("/notices/sent/").content.decode()
    assert 'id="export-notices"' in page
    rows = sheet(client.get("/imports/notices/export.xlsx").content)
    assert rows[0] == (
        "通知编号", "发送时间", "标题", "类型", "主题", "紧急",
        "发送单位", "发送对象", "村", "接收人数", "已送达", "已阅读",
    )  # fmt: skip
    by_village = {r[8]: r[9:] for r in rows[1:]}
    assert by_village["湖滨村委会"][0] == 3 and by_village["湖滨村委会"][2] == 1
    assert by_village["太华村委会"][0] == 2
    assert rows[1][2] == "'=HYPERLINK(1) 秸秆禁烧"
    text = str(rows)
    assert "汪未读" not in text and "汪大勇" not in text  # counts, never names
    assert AuditEvent.objects.get(action="export").detail["kind"] == "notices"


def test_village_secretary_sees_only_their_village(client, scene, sent, tmp_path):
    client.force_login(scene["secretary_b"])
    rows = sheet(client.get("/imports/notices/export.xlsx").content)
    assert [r[8] for r in rows[1:]] == ["太华村委会"]
    out = tmp_path / "n.xlsx"
    call_command(
        "export",
        "notices",
        str(out),
        "--area",
        testing.VILLAGE_A,
        "--period",
        str(timezone.localdate().year),
    )
    assert [r[8] for r in sheet(out.read_bytes())[1:]] == ["湖滨村委会"]
