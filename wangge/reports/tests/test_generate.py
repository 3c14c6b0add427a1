"""Reports generated in the background: the half-year evaluation and the annual report beside the
quarterly bulletin, queued from the page or the API, progress shown on the report's page (htmx
polling) while the worker runs, the file kept with who generated it and when, generated again on
request; bad input is a plain error and stores nothing."""

import io

import docx
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.core.periods import parse_period
from wangge.reports.models import GeneratedReport, ReportStatus
from wangge.reports.selectors import bulletin, bulletin_area, section_count
from wangge.reports.services import report_run
from wangge.reports.tests.test_bulletin import _docx_text, _pdf_text_maps


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def this_half() -> str:
    today = timezone.localdate()
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def this_year() -> str:
    return str(timezone.localdate().year)


def test_progress_shows_on_the_page_while_the_worker_runs(client, scene, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(scene["admin"])
    # Posted without running the commit hooks: the worker has not started yet.
    made = client.post(
        "/reports/generate/",
        {"kind": "half", "area": testing.TOWNSHIP, "period": this_half(), "format": "docx"},
    )
    report = GeneratedReport.objects.get()
    assert made["Location"] == f"/reports/{report.pk}/"
    assert (report.status, report.generated_by, report.kind) == (
        ReportStatus.QUEUED,
        scene["admin"],
        "half",
    )
    page = client.get(made["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    assert client.get(f"/reports/{report.pk}/file/").status_code == 404  # not ready yet
    report_run(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100 and report.finished_at
    # The htmx poll now answers the finished status, without polling on.
    partial = client.get(made["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and 'id="report-download"' in partial
    response = client.get(f"/reports/{report.pk}/file/")
    assert response["Content-Disposition"].endswith(f'half-{testing.TOWNSHIP}-{this_half()}.docx"')
    body = _docx_text(b"".join(response.streaming_content))
    assert "凉泉乡" in body and "半年考评" in body and "号" in body  # the title and the 文号 line
    assert "满意率" in body and "湖滨村委会" in body and "活动" in body


def test_progress_is_written_section_by_section(scene):
    steps = []
    area = bulletin_area(scene["admin"], testing.TOWNSHIP)
    made = bulletin(
        scene["admin"], area, parse_period(this_year()), kind="annual",
        progress=lambda done, title: steps.append((done, title)),
    )  # fmt: skip
    assert [n for n, _t in steps] == list(range(1, section_count() + 1))
    assert [t for _n, t in steps] == [s.title for s in made.sections]
    assert "Campaigns" in [s.title for s in made.sections]  # filled in by the campaigns app


def test_annual_report_as_pdf_and_generated_again(client, scene, generate, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(scene["a"])
    made = generate(kind="annual", area=testing.VILLAGE_A, period=this_year(), format="pdf")
    first = GeneratedReport.objects.get()
    assert first.ready and first.generated_by == scene["a"]
    content = b"".join(client.get(f"/reports/{first.pk}/file/").streaming_content)
    assert content.startswith(b"%PDF")
    maps = _pdf_text_maps(content).upper()
    for char in "年度报告湖滨":
        assert f"<{ord(char):04X}>" in maps, char
    page = client.get(made["Location"]).content.decode()
    assert 'id="report-regenerate"' in page
    again = client.post(f"/reports/{first.pk}/regenerate/")
    second = GeneratedReport.objects.exclude(pk=first.pk).get()
    assert again["Location"] == f"/reports/{second.pk}/"
    assert (second.kind, second.period, second.format) == ("annual", this_year(), "pdf")
    assert AuditEvent.objects.filter(action="report").count() == 2
    # Both are listed on the reports page with who generated them.
    listing = client.get("/reports/bulletin/").content.decode()
    assert listing.count(f'href="/reports/{first.pk}/"') == 1 and "secretary-a" in listing


@pytest.mark.parametrize(
    ("kind", "period"),
    [("half", "2021-Q4"), ("annual", "2021-H2"), ("bulletin", "2021"), ("annual", "2099"),
     ("half", "2021-H3"), ("annual", "twenty")],
)  # fmt: skip
def test_a_period_the_report_does_not_cover_is_a_plain_error(client, scene, kind, period):
    client.force_login(scene["admin"])
    data = {"kind": kind, "area": testing.TOWNSHIP, "period": period, "format": "pdf"}
    answer = client.post("/reports/generate/", data)
    assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()
    api = client.post(
        "/api/v1/reports",
        {"kind": kind, "area_code": testing.TOWNSHIP, "period": period},
        content_type="application/json",
        **_auth(scene["admin"]),
    )
    assert api.status_code in (400, 422)
    assert not GeneratedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="report").exists()


def test_api_generates_in_the_background_like_the_page(
    client, scene, django_capture_on_commit_callbacks
):
    admin = _auth(scene["admin"])
    payload = {"kind": "half", "area_code": testing.TOWNSHIP, "period": this_half()}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/v1/reports", {**payload, "format": "docx"}, content_type="application/json",
            **admin,
        )  # fmt: skip
    assert answer.status_code == 202
    pk = answer.json()["id"]
    status = client.get(f"/api/v1/reports/{pk}", **admin).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_url"] == f"/api/v1/reports/{pk}/download"
    file = client.get(status["download_url"], **admin)
    document = docx.Document(io.BytesIO(b"".join(file.streaming_content)))
    assert "half-year evaluation" in document.paragraphs[0].text
    # The page shows the same record, and serves the same file.
    client.force_login(scene["admin"])
    assert client.get(f"/reports/{pk}/").status_code == 200
    assert client.get(f"/reports/{pk}/file/").status_code == 200
    # A village secretary sees neither the township's report nor its file.
    b = _auth(scene["b"])
    assert client.get(f"/api/v1/reports/{pk}", **b).status_code == 404
    assert client.get(f"/api/v1/reports/{pk}/download", **b).status_code == 404
    outside = {**payload, "area_code": testing.VILLAGE_A}
    refused = client.post("/api/v1/reports", outside, content_type="application/json", **b)
    assert refused.status_code == 404
    assert GeneratedReport.objects.count() == 1


def test_half_and_annual_from_the_command(scene, tmp_path):
    out = tmp_path / "half.docx"
    call_command(
        "report", "half", str(out), "--period", "2021-H2", "--area", testing.TOWNSHIP,
        "--format", "docx",
    )  # fmt: skip
    assert "2021" in _docx_text(out.read_bytes())
    call_command(
        "report", "annual", str(tmp_path / "a.html"), "--period", "2021", "--area",
        testing.VILLAGE_A,
    )  # fmt: skip
    with pytest.raises(CommandError, match="--period"):
        call_command(
            "report", "annual", str(out), "--period", "2021-Q4", "--area", testing.TOWNSHIP
        )
    assert list(GeneratedReport.objects.values_list("kind", flat=True).order_by("id")) == [
        "half",
        "annual",
    ]
