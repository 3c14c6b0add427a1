"""Agency uploads: ZIP bombs are refused before they are inflated; staged files do not pile up."""

import io
import os
import time
import zipfile

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.core.errors import DomainError
from wangge.flags import staging
from wangge.flags.models import AgencyBatch
from wangge.flags.reading import read_table
from wangge.flags.tasks import agency_uploads_cleanup_task
from wangge.flags.tests.conftest import MEDICAL_HEADERS


def _real_workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet().write_row(0, 0, MEDICAL_HEADERS)
    book.close()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real workbook plus one sheet part of 390 MB of blanks: about 400 KB on the wire."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_real_workbook())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in source.infolist():
            out.writestr(info, source.read(info))
        with out.open("xl/worksheets/sheet2.xml", "w") as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(390):
                part.write(chunk)
    return buffer.getvalue()


def test_bomb_is_refused_at_upload_quickly_and_plainly(client, officer, bomb, settings, tmp_path):
    """GIVEN a 400 KB workbook that unpacks to 390 MB WHEN an officer uploads it THEN the page
    says so in plain words within a fraction of a second, and nothing is staged."""
    assert len(bomb) < 1024 * 1024
    settings.VAR_DIR = tmp_path
    client.force_login(officer)
    client.get("/flags/agency/")  # the page itself, once, so only the refusal is timed
    started = time.monotonic()
    response = client.post(
        "/flags/agency/",
        {"source": "medical_insurance", "file": SimpleUploadedFile("医保.xlsx", bomb)},
    )
    assert time.monotonic() - started < 1.0  # inflating it takes seconds
    assert response.status_code == 400
    assert "ZIP bomb" in response.content.decode()
    staged = tmp_path / "agency-uploads"
    assert not staged.exists() or not list(staged.iterdir())
    assert not AgencyBatch.objects.exists()


def test_reader_refuses_a_bomb_too(bomb):
    with pytest.raises(DomainError, match="ZIP bomb"):
        read_table("医保.xlsx", bomb)


def test_a_real_workbook_still_reads():
    assert read_table("医保.xlsx", _real_workbook()).headers == list(MEDICAL_HEADERS)


def test_stale_staged_files_are_cleaned_up(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.UPLOAD_KEEP_DAYS = 2
    folder = tmp_path / "agency-uploads"
    folder.mkdir()
    old, fresh = folder / "old-token", folder / "fresh-token"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    three_days_ago = time.time() - 3 * 86400
    os.utime(old, (three_days_ago, three_days_ago))
    assert agency_uploads_cleanup_task.call_local() == 1
    assert not old.exists() and fresh.exists()


def test_files_a_session_forgets_are_removed(rf, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    request = rf.get("/")
    request.session = {}
    tokens = [
        staging.stage(request, content=b"a", file_name="f.csv", source_kind="x", area_code="1")
        for _ in range(7)
    ]
    on_disk = {p.name for p in (tmp_path / "agency-uploads").iterdir()}
    assert on_disk == set(tokens[-5:])
