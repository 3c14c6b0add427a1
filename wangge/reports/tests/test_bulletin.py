"""The quarterly bulletin: generated from the record for an area in scope and a period that has
begun; a printable page, a Word document and the ``wangge report`` command; each generation
kept (who, when) and audited; bad input is a plain error and stores nothing."""

import io

import docx
import pytest
from django.core.management import CommandError, call_command

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.dashboard.selectors import township_stats
from wangge.reports.models import GeneratedReport
from wangge.reports.tests.conftest import this_quarter


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_township_bulletin_page_and_docx(client, scene, generate):
    client.force_login(scene["admin"])
    assert 'id="nav-bulletin"' in client.get("/reports/bulletin/").content.decode()
    query = {"area": testing.TOWNSHIP, "period": this_quarter()}
    page = client.get("/reports/bulletin/", query)
    text = page.content.decode()
    assert page.status_code == 200 and 'id="bulletin"' in text
    for figure in ("Party members", "Response rate", "Satisfaction rate", "Visits on time"):
        assert figure in text
    assert "湖滨村委会" in text and "太华村委会" in text  # the per-village tables
    stats = township_stats(testing.TOWNSHIP)
    made = generate(**query, kind="bulletin", format="docx")
    assert made.status_code == 302
    status = client.get(made["Location"]).content.decode()
    assert "The report is ready." in status and 'id="report-download"' in status
    kept = GeneratedReport.objects.get(format="docx")
    response = client.get(f"/reports/{kept.pk}/file/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    body = _docx_text(b"".join(response.streaming_content))
    assert "No. ____" in body and "Requests routed" in body
    assert f"{stats['members']} people" in body and "100.0%" in body  # satisfied, on time
    kept = GeneratedReport.objects.order_by("generated_at")
    assert [(r.format, r.generated_by, r.period) for r in kept] == [
        ("html", scene["admin"], this_quarter()),
        ("docx", scene["admin"], this_quarter()),
    ]
    assert AuditEvent.objects.filter(action="report").count() == 2
    assert township_stats(testing.TOWNSHIP)["reports_generated"] == 2


def test_village_secretary_reports_on_their_village_only(client, scene):
    client.force_login(scene["b"])
    other = client.get("/reports/bulletin/", {"area": testing.VILLAGE_A, "period": "2021-Q4"})
    assert other.status_code == 404
    township = client.post(
        "/reports/generate/", {"area": testing.TOWNSHIP, "period": "2021-Q4", "format": "pdf"}
    )
    assert township.status_code == 404
    own = client.get("/reports/bulletin/", {"area": testing.VILLAGE_B, "period": "2021-Q4"})
    assert own.status_code == 200 and "Requests routed" in own.content.decode()
    assert GeneratedReport.objects.get().area_code == testing.VILLAGE_B


def test_members_may_not_generate_bulletins(client, scene):
    member = testing.make_user("plain-member", Role.MEMBER, testing.VILLAGE_A)
    client.force_login(member)
    assert 'id="nav-bulletin"' not in client.get("/").content.decode()
    assert client.get("/reports/bulletin/").status_code == 403


@pytest.mark.parametrize("period", ["2021-Q5", "last quarter", "2099-Q1"])
def test_a_bad_or_future_period_is_a_plain_error_and_stores_nothing(client, scene, period):
    client.force_login(scene["admin"])
    page = client.get("/reports/bulletin/", {"area": testing.TOWNSHIP, "period": period})
    assert page.status_code == 400 and 'role="alert"' in page.content.decode()
    download = client.post(
        "/reports/generate/", {"area": testing.TOWNSHIP, "period": period, "format": "docx"}
    )
    assert download.status_code == 400 and 'role="alert"' in download.content.decode()
    assert not GeneratedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report").exists()


def test_bulletin_from_the_command(scene, tmp_path):
    out = tmp_path / "bulletin.docx"
    call_command(
        "report", "bulletin", str(out), "--period", this_quarter(),
        "--area", testing.TOWNSHIP, "--format", "docx",
    )  # fmt: skip
    body = _docx_text(out.read_bytes())
    assert "凉泉乡" in body and "群众诉求" in body and "满意率" in body
    html = tmp_path / "bulletin.html"
    call_command(
        "report", "bulletin", str(html), "--period", "2021-Q4", "--area", testing.VILLAGE_A,
        "--user", "secretary-a",
    )  # fmt: skip
    assert "湖滨村委会" in html.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="--area"):
        call_command(
            "report", "bulletin", str(html), "--period", "2021-Q4",
            "--area", testing.VILLAGE_B, "--user", "secretary-a",
        )  # fmt: skip
    with pytest.raises(CommandError, match="--period"):
        call_command("report", "bulletin", str(html), "--period", "2099", "--area", "340827200")
    assert GeneratedReport.objects.count() == 2


def _pdf_text_maps(content: bytes) -> str:
    return testing.pdf_text_maps(content)


def test_bulletin_as_pdf_holds_real_text(client, scene, tmp_path, settings, generate):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's language: the PDF's text is Chinese
    client.force_login(scene["admin"])
    query = {"area": testing.VILLAGE_A, "period": this_quarter()}
    page = client.get("/reports/bulletin/", query).content.decode()
    assert 'id="bulletin-pdf"' in page
    made = generate(**query, format="pdf")
    response = client.get(made["Location"].rstrip("/") + "/file/")
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    maps = _pdf_text_maps(content)
    for char in "满意率湖滨村":
        assert f"<{ord(char):04X}>" in maps.upper(), char
    call_command(
        "report", "bulletin", str(tmp_path / "b.pdf"), "--period", this_quarter(),
        "--area", testing.VILLAGE_A, "--format", "pdf",
    )  # fmt: skip
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert [r.format for r in GeneratedReport.objects.order_by("generated_at")] == [
        "html",
        "pdf",
        "pdf",
    ]
