"""The visit ledger (走访台账): the list's filters, area and period, scoped, audited, Chinese
headers, formula-safe; the same file from ``wangge export visits``."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.visits.services import visit_log


def sheet(content: bytes, index: int = 0) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return list(book.worksheets[index].iter_rows(values_only=True))


@pytest.fixture
def visits(world):
    made = {}
    for key, day, found in [
        ("old", datetime.date(2021, 11, 3), "=CMD|' /C calc'!A0"),
        ("new", datetime.date(2026, 11, 2), "屋顶漏雨"),
    ]:
        made[key], _created = visit_log(
            actor=world["user"],
            household=world["hardship"],
            visited_on=day,
            found=found,
            today=day,
        )
    return made


def test_visit_ledger_from_the_list_page(client, world, visits):
    secretary = testing.make_user("sec-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    client.force_login(secretary)
    page = client.get("/visits/list/", {"household": world["hardship"].pk}).content.decode()
    link = f"/imports/visits/export.xlsx?household={world['hardship'].pk}"
    assert 'id="export-visits"' in page and link in page
    rows = sheet(client.get(link + "&period=2021-Q4").content)
    assert rows[0][:4] == ("走访编号", "走访日期", "户主姓名", "村")
    assert len(rows) == 2 and rows[1][2] == "困难户甲" and rows[1][3] == "湖滨村委会"
    assert rows[1][7] == "'=CMD|' /C calc'!A0"  # a formula is text, not run
    event = AuditEvent.objects.get(action="export")
    assert event.actor == secretary and event.detail["kind"] == "visits"
    assert event.detail["filters"]["period"] == "2021-Q4" and event.detail["rows"] == 1


def test_visit_ledger_is_scoped(client, world, visits):
    other = testing.make_user("sec-b", Role.VILLAGE_SECRETARY, testing.VILLAGE_B)
    client.force_login(other)
    assert len(sheet(client.get("/imports/visits/export.xlsx").content)) == 1  # headers only


def test_a_bad_or_future_period_is_a_plain_error(client, world, visits, tmp_path):
    client.force_login(testing.make_user("sec-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A))
    future = client.get("/imports/visits/export.xlsx", {"period": "2099-Q1"})
    assert future.status_code == 400 and "2099-Q1" in future.content.decode()
    assert client.get("/imports/visits/export.xlsx", {"period": "2021-Q5"}).status_code == 400
    with pytest.raises(CommandError, match="--period"):
        call_command("export", "visits", str(tmp_path / "x.xlsx"), "--period", "last year")
    with pytest.raises(CommandError, match="flags has no period"):
        call_command("export", "flags", str(tmp_path / "x.xlsx"), "--period", "2021")
    assert not AuditEvent.objects.filter(action="export").exists()
    assert not (tmp_path / "x.xlsx").exists()


def test_visit_ledger_from_the_command(world, visits, tmp_path):
    out = tmp_path / "visits.xlsx"
    call_command("export", "visits", str(out), "--area", testing.VILLAGE_A, "--period", "2026-H2")
    rows = sheet(out.read_bytes())
    assert [r[7] for r in rows[1:]] == ["屋顶漏雨"]
    call_command("export", "visits", str(out), "--area", testing.VILLAGE_B, "--period", "2021")
    assert len(sheet(out.read_bytes())) == 1
