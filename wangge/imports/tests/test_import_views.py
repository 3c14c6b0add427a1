"""The import and export pages, end to end through the test client."""

import datetime
import io

import pytest
from django.core.files import File
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.imports.models import ImportJob
from wangge.imports.services import import_job_create, import_job_run, import_jobs_resume
from wangge.imports.tests.sheets import MEMBER_HEADERS, write_xlsx
from wangge.party.models import Member

BRANCH = "湖滨村党支部"


def member_row(seq: int, name: str = "王一") -> list:
    return [
        name,
        testing.make_id(datetime.date(1960, 5, 1), seq),
        f"139{seq:08d}",
        BRANCH,
        "湖滨村",
        "汪屋",
        "1985-07-01",
        "否",
        "",
    ]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def branch(regions):
    return testing.branch_for(testing.VILLAGE_A, BRANCH)


@pytest.fixture
def secretary_client(client, secretary_a):
    client.force_login(secretary_a)
    return client


def upload(client, path, *, partial=False):
    data = {"file": path.open("rb")}
    if partial:
        data["partial"] = "on"
    return client.post(reverse("imports:upload", args=["members"]), data)


def test_upload_page_links_the_template(secretary_client):
    response = secretary_client.get(reverse("imports:upload", args=["members"]))
    assert response.status_code == 200
    assert reverse("imports:template", args=["members"]).encode() in response.content
    assert b'name="partial"' in response.content


def test_upload_imports_and_job_page_shows_the_result(
    branch, secretary_client, tmp_path, media, django_capture_on_commit_callbacks
):
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [member_row(1), member_row(2, "王二")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(secretary_client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.created == 2
    assert (media / "imports" / job.file).read_bytes() == path.read_bytes()
    assert Member.objects.count() == 2
    page = secretary_client.get(response["Location"])
    assert page.status_code == 200
    assert "The import is finished." in page.content.decode()
    assert b"<progress" not in page.content  # finished: no polling


def test_bad_rows_are_listed_and_good_rows_can_be_imported(
    branch, secretary_client, tmp_path, django_capture_on_commit_callbacks
):
    rows = [member_row(1), member_row(2, ""), member_row(3, "王三")]
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(secretary_client, path)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and not job.committed
    assert Member.objects.count() == 0
    page = secretary_client.get(response["Location"]).content.decode()
    assert "<td>3</td><td>姓名</td>" in page
    assert "nothing was imported" in page
    partial_url = reverse("imports:job_partial", args=[job.pk])
    assert partial_url in page

    with django_capture_on_commit_callbacks(execute=True):
        again = secretary_client.post(partial_url)
    second = ImportJob.objects.exclude(pk=job.pk).get()
    assert again["Location"] == reverse("imports:job", args=[second.pk])
    assert second.partial and second.committed and second.created == 2
    assert sorted(Member.objects.values_list("name", flat=True)) == ["王一", "王三"]


def test_file_level_error_is_shown(
    branch, secretary_client, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(secretary_client, path)
    page = secretary_client.get(response["Location"]).content.decode()
    assert "not an Excel or WPS workbook" in page
    assert Member.objects.count() == 0


def test_running_job_shows_a_polling_progress_bar(secretary_a, secretary_client):
    job = ImportJob.objects.create(
        kind="members",
        file="x.xlsx",
        original_name="x.xlsx",
        user=secretary_a,
        status=ImportJob.Status.VALIDATING,
        total_rows=2000,
        processed_rows=500,
    )
    url = reverse("imports:job", args=[job.pk])
    page = secretary_client.get(url).content.decode()
    assert '<progress max="100" value="25">' in page
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    fragment = secretary_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section")
    assert "500 of 2000 rows checked" in fragment


def test_members_cannot_import(member_a, client):
    client.force_login(member_a)
    assert client.get(reverse("imports:upload", args=["members"])).status_code == 403
    assert client.get(reverse("imports:upload", args=["households"])).status_code == 403


def test_unknown_kind_is_404(secretary_client):
    assert secretary_client.get("/imports/parcels/").status_code == 404


def test_another_users_job_is_404(secretary_a, secretary_b, client):
    job = ImportJob.objects.create(kind="members", file="x.xlsx", user=secretary_a)
    client.force_login(secretary_b)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:job_partial", args=[job.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, regions):
    response = client.get(reverse("imports:upload", args=["members"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_template_download(secretary_client):
    response = secretary_client.get(reverse("imports:template", args=["households"]))
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.get_sheet_by_index(0).to_python()[0][:2] == ["户主姓名", "户主身份证号"]


def test_export_respects_filters_scope_and_escapes_formulas(regions, secretary_client, secretary_a):
    testing.make_member(area_code=testing.VILLAGE_A + "001", seq=1, name="=cmd|'/C calc'!A0")
    testing.make_member(area_code=testing.VILLAGE_A, seq=2, name="王二")
    testing.make_member(area_code=testing.VILLAGE_B, seq=3, name="郭三")  # outside scope
    url = reverse("imports:export", args=["members"])
    rows = _rows(secretary_client.get(url))
    assert sorted(r[0] for r in rows[1:]) == ["'=cmd|'/C calc'!A0", "王二"]
    assert all("*" in r[1] and "****" in r[3] for r in rows[1:])  # masked ID and phone

    filtered = _rows(secretary_client.get(url, {"area_code": testing.VILLAGE_A + "001"}))
    assert [r[0] for r in filtered[1:]] == ["'=cmd|'/C calc'!A0"]
    events = AuditEvent.objects.filter(action="export").order_by("id")
    assert [e.detail["rows"] for e in events] == [2, 1]
    assert events[1].actor == secretary_a
    assert events[1].detail["filters"] == {"area_code": testing.VILLAGE_A + "001"}


def test_household_export_by_tag(regions, tags, secretary_client):
    testing.make_household(area_code=testing.VILLAGE_A + "001", seq=1, tags=tags[:1])
    testing.make_household(area_code=testing.VILLAGE_A + "001", seq=2, head_name="李二")
    url = reverse("imports:export", args=["households"])
    rows = _rows(secretary_client.get(url, {"tag": tags[0].slug}))
    assert [r[0] for r in rows[1:]] == ["李大毛"]
    assert rows[1][9] == tags[0].name


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    grid = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    # The first column is each record's system number; the rest are the template's columns.
    assert grid[0][0] == "系统编号（请勿修改）"
    assert all(isinstance(row[0], float) and row[0] > 0 for row in grid[1:])
    return [row[1:] for row in grid]


def _dead_job(secretary_a, tmp_path, *, attempts: int) -> ImportJob:
    """A job whose worker died while saving: running, no heartbeat for ten minutes."""
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, [member_row(1), member_row(2, "王二")])
    with path.open("rb") as f:
        job = import_job_create(
            user=secretary_a, kind="members", upload=File(f, name="m.xlsx"), partial=False
        )
    stale = timezone.now() - datetime.timedelta(minutes=10)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.COMMITTING, heartbeat_at=stale, attempts=attempts
    )
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_runs_again_once(branch, secretary_a, tmp_path, media):
    job = _dead_job(secretary_a, tmp_path, attempts=1)
    # While its heartbeat is fresh the job is someone else's: left alone.
    stale = job.heartbeat_at
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert import_job_run(job.pk).status == ImportJob.Status.COMMITTING
    assert import_jobs_resume() == {"resumed": 0, "failed": 0}
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=stale)
    assert import_jobs_resume() == {"resumed": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.status, job.committed, job.attempts, job.created) == ("done", True, 2, 2)
    assert Member.objects.count() == 2
    # Delivered again, resumed again: nothing more is written.
    assert import_job_run(job.pk).attempts == 2
    assert import_jobs_resume() == {"resumed": 0, "failed": 0}
    assert Member.objects.count() == 2
    assert AuditEvent.objects.filter(action="members.import").count() == 1


def test_a_job_interrupted_too_often_fails_with_a_message(branch, secretary_a, tmp_path, media):
    job = _dead_job(secretary_a, tmp_path, attempts=3)
    assert import_jobs_resume() == {"resumed": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Upload the file again" in job.message
    assert Member.objects.count() == 0
