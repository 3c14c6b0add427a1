"""Import jobs: store the upload, run the import in the background, write progress as it goes."""

import datetime
import errno
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from wangge.imports.kinds import KINDS
from wangge.imports.models import ImportJob
from wangge.imports.pipeline import run_import

logger = logging.getLogger(__name__)
ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


DISK_FULL = gettext_lazy(
    "The server's disk is full: the file was not kept and nothing was imported. Tell the "
    "system administrator, and try again when they say there is space."
)
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class DiskFull(Exception):
    """The server's disk (or the space allowed to it) ran out; nothing was kept."""

    def __init__(self):
        super().__init__(str(DISK_FULL))


def store_upload(upload) -> str:
    """Save an uploaded file under MEDIA_ROOT/imports/ with a random name; return that name.

    A full disk leaves no half-written file behind: it raises ``DiskFull``."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        suffix = ".bin"
    name = f"{uuid.uuid4().hex}{suffix}"
    path = imports_dir() / name
    try:
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    except OSError as exc:
        path.unlink(missing_ok=True)
        if exc.errno in DISK_ERRNOS:
            raise DiskFull from exc
        raise
    return name


def import_job_create(*, user, kind: str, upload, partial: bool) -> ImportJob:
    stored = store_upload(upload)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind,
                file=stored,
                original_name=(upload.name or "")[:255],
                user=user,
                partial=partial,
            )
            _enqueue(job)
    except BaseException:
        (imports_dir() / stored).unlink(missing_ok=True)
        raise
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


class AlreadyCommitted(Exception):
    """Another run of the same job committed it first: this run writes nothing."""


RUNNING = (ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING)


def _stale_before():
    return timezone.now() - datetime.timedelta(seconds=settings.WANGGE_JOB_STALE_SECONDS)


def import_job_run(job_id: int) -> ImportJob:
    """Run one queued job — or one whose worker died (no heartbeat for
    ``WANGGE_JOB_STALE_SECONDS``). Progress updates are committed on their own, outside the
    import's final transaction, so the job page can show them while the rows are being checked.

    Safe to run twice, at once or one after the other (a message delivered again, a job resumed
    after its worker was killed): the claim below lets one run start, and the commit locks the
    job's row and writes the rows and ``committed`` in one transaction, so a job's rows are
    written once."""
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id, committed=False)
        .filter(
            Q(status=ImportJob.Status.QUEUED)
            | Q(status__in=RUNNING, heartbeat_at__lt=_stale_before())
        )
        .update(
            status=ImportJob.Status.VALIDATING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
    )
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if claimed != 1:
        return job
    attempt = job.attempts

    def progress(done: int, total: int, phase: str) -> None:
        status = (
            ImportJob.Status.COMMITTING if phase == "committing" else ImportJob.Status.VALIDATING
        )
        ImportJob.objects.filter(pk=job_id, attempts=attempt).update(
            processed_rows=done, total_rows=total, status=status, heartbeat_at=timezone.now()
        )

    def claim() -> None:
        # Inside the commit's transaction: wait for any other run's commit, then refuse to
        # commit what it committed, or a run that was given up on and started again.
        locked = ImportJob.objects.select_for_update().get(pk=job_id)
        if locked.committed or locked.attempts != attempt:
            raise AlreadyCommitted

    def settle(report) -> None:
        _finish(job_id, report)

    try:
        report = run_import(
            kind=KINDS[job.kind],
            path=imports_dir() / job.file,
            user=job.user,
            partial=job.partial,
            filename=job.original_name,
            progress=progress,
            claim=claim,
            settle=settle,
        )
    except AlreadyCommitted:
        job.refresh_from_db()
        return job
    except Exception as exc:
        if not _disk_full(exc):
            _fail(job_id, attempt, UNEXPECTED)
            raise
        try:
            _fail(job_id, attempt, DISK_FULL)
        except DatabaseError:  # the database's own disk is the full one: the log says so
            logger.exception("import job %s: the disk is full", job_id)
        return ImportJob.objects.get(pk=job_id)
    if not report.committed:
        _finish(job_id, report)
    job.refresh_from_db()
    return job


def _disk_full(exc: BaseException) -> bool:
    """A full disk, whoever noticed it: the file system, SQLite, or PostgreSQL (53100)."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
            return True
        if getattr(exc, "sqlstate", None) == "53100" or "disk is full" in str(exc):
            return True
        exc = exc.__cause__
    return False


UNEXPECTED = gettext_lazy(
    "The import stopped because of an unexpected problem; nothing was saved. "
    "Try again, and tell the administrator if it happens again."
)


def _fail(job_id: int, attempt: int, message) -> None:
    ImportJob.objects.filter(pk=job_id, attempts=attempt, committed=False).update(
        status=ImportJob.Status.FAILED, message=str(message), finished_at=timezone.now()
    )


def _finish(job_id: int, report) -> None:
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


def import_jobs_resume() -> dict:
    """Run again the jobs whose worker died: queued or running without a heartbeat for
    ``WANGGE_JOB_STALE_SECONDS`` (a queue message is lost when the consumer is killed holding
    it). After ``WANGGE_JOB_MAX_ATTEMPTS`` tries a job is failed with a message instead.
    Runs when the consumer starts and every minute."""
    from wangge.imports.tasks import run_import_job  # tasks imports this module: a real cycle

    stale = ImportJob.objects.filter(committed=False).filter(
        Q(status=ImportJob.Status.QUEUED, created_at__lt=_stale_before())
        | Q(status__in=RUNNING, heartbeat_at__lt=_stale_before())
    )
    given_up = stale.filter(attempts__gte=settings.WANGGE_JOB_MAX_ATTEMPTS).update(
        status=ImportJob.Status.FAILED,
        message=str(GAVE_UP),
        finished_at=timezone.now(),
    )
    again = list(stale.values_list("pk", flat=True))
    for pk in again:
        run_import_job(pk)
    return {"resumed": len(again), "failed": given_up}


GAVE_UP = gettext_lazy(
    "The import was interrupted several times (the server stopped while it ran); nothing was "
    "saved. Upload the file again, and tell the administrator if it happens again."
)
