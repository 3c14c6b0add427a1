"""The request ledger (诉求台账): one row per request with the list's filters, and a second
sheet with every timeline row; scoped, audited, phones masked, formula-safe."""

import io

import openpyxl
from django.core.management import call_command
from django.utils import timezone

from wangge.appeals.models import Channel
from wangge.appeals.services import appeal_accept, appeal_create, appeal_resolve
from wangge.audit.models import AuditEvent


def sheets(content: bytes) -> list[list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(ws.iter_rows(values_only=True)) for ws in book.worksheets]


def _requests(world):
    water = appeal_create(
        actor=world.users[4],
        household=world.household,
        category=world.categories["water"],
        text="=1+2 水压低",
        channel=Channel.MEMBER,
        contact_phone="13912345678",
    )
    appeal_accept(actor=world.users[4], appeal=water)
    appeal_resolve(actor=world.users[4], appeal=water, note="调了阀门")
    far = appeal_create(
        actor=None,
        household=world.household_b,
        category=None,
        text="路灯坏了",
        channel=Channel.MEMBER,
        contact_name="郭二",
        contact_phone="13900001111",
    )
    return water, far


def test_request_ledger_from_the_list_page(client, world, secretary_a):
    water, _far = _requests(world)
    client.force_login(secretary_a)
    page = client.get("/requests/all/", {"state": "resolved"}).content.decode()
    link = "/imports/requests/export.xlsx?state=resolved"
    assert 'id="export-requests"' in page and link in page
    main, timeline = sheets(client.get("/imports/requests/export.xlsx?state=resolved").content)
    assert main[0][:5] == ("诉求编号", "提交时间", "村", "诉求类别", "诉求内容")
    assert [r[0] for r in main[1:]] == [water.ticket]  # village B's request is not A's
    assert main[1][4] == "'=1+2 水压低" and "13912345678" not in str(main[1])
    assert timeline[0][:3] == ("诉求编号", "时间", "事项")
    assert [r[0] for r in timeline[1:]] == [water.ticket] * 3
    assert timeline[-1][-1] == "调了阀门"
    event = AuditEvent.objects.get(action="export")
    assert event.detail == {
        "kind": "requests",
        "rows": 1,
        "unmasked": False,
        "filters": {"state": "resolved", "overdue": False, "escalated": False},
    }


def test_request_ledger_from_the_command(world, tmp_path):
    water, far = _requests(world)
    out = tmp_path / "requests.xlsx"
    call_command(
        "export",
        "requests",
        str(out),
        "--period",
        str(timezone.localdate().year),
        "--area",
        "340827200",
    )
    main, timeline = sheets(out.read_bytes())
    assert {r[0] for r in main[1:]} == {water.ticket, far.ticket}
    assert len(timeline) == 1 + 3 + 1
