"""Import jobs: store the upload, run the import in the background, write progress as it goes."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.imports.kinds import KINDS
from wangge.imports.models import ImportJob
from wangge.imports.pipeline import run_import

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload) -> str:
    """Save an uploaded file under MEDIA_ROOT/imports/ with a random name; return that name."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        suffix = ".bin"
    name = f"{uuid.uuid4().hex}{suffix}"
    with (imports_dir() / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def import_job_create(*, user, kind: str, upload, partial: bool) -> ImportJob:
    stored = store_upload(upload)
    job = ImportJob.objects.create(
        kind=kind, file=stored, original_name=(upload.name or "")[:255], user=user, partial=partial
    )
    _enqueue(job)
    return job


def import_job_retry_partial(*, job: ImportJob) -> ImportJob:
    """Run the same stored file again, importing only the good rows."""
    again = ImportJob.objects.create(
        kind=job.kind,
        file=job.file,
        original_name=job.original_name,
        user=job.user,
        partial=True,
    )
    _enqueue(again)
    return again


def _enqueue(job: ImportJob) -> None:
    from wangge.imports.tasks import run_import_job  # tasks imports this module: a real cycle

    # The job row must be visible to the worker before it starts.
    transaction.on_commit(lambda: run_import_job(job.pk))


def import_job_run(job_id: int) -> ImportJob:
    """Run one queued job. Progress updates are committed on their own, outside the import's
    final transaction, so the job page can show them while the rows are being checked."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if claimed != 1:
        return job

    def progress(done: int, total: int, phase: str) -> None:
        status = (
            ImportJob.Status.COMMITTING if phase == "committing" else ImportJob.Status.VALIDATING
        )
        ImportJob.objects.filter(pk=job_id).update(
            processed_rows=done, total_rows=total, status=status
        )

    try:
        report = run_import(
            kind=KINDS[job.kind],
            path=imports_dir() / job.file,
            user=job.user,
            partial=job.partial,
            filename=job.original_name,
            progress=progress,
        )
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message=_(
                "The import stopped because of an unexpected problem; nothing was saved. "
                "Try again, and tell the administrator if it happens again."
            ),
            finished_at=timezone.now(),
        )
        raise
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE if report.committed else ImportJob.Status.FAILED,
        committed=report.committed,
        total_rows=report.total,
        processed_rows=report.total,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        error_rows=report.error_rows,
        errors=[e.as_dict() for e in report.errors[: ImportJob.MAX_STORED_ERRORS]],
        message=report.file_error,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
