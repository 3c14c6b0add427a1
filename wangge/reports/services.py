"""Generating a report: build it from the record, keep who generated it and when, audit it.

A file (PDF, DOCX or the printable page) is generated in the background: ``report_request``
records the request (and audits it) in one transaction and queues ``report_run`` for the worker
once that transaction commits; ``report_run`` writes its progress as it goes, so the report's
page can show it, and stores the file under MEDIA_ROOT/reports/."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wangge.audit.services import audit_record
from wangge.core.periods import parse_period
from wangge.imports.pipeline import SYSTEM
from wangge.reports.models import GeneratedReport, ReportFormat, ReportStatus
from wangge.reports.selectors import Bulletin, bulletin, section_count

FILE_FORMATS = {ReportFormat.HTML, ReportFormat.DOCX, ReportFormat.PDF}


def reports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _actor_or_none(actor):
    # The command line without --user acts as the system: no user to name.
    return actor if getattr(actor, "pk", None) else None


def bulletin_generated(*, actor, bulletin: Bulletin, fmt: str) -> GeneratedReport:
    """Record that ``actor`` generated ``bulletin`` as ``fmt`` on the spot (the page, the JSON
    figures, the command line); one transaction with its audit row."""
    with transaction.atomic():
        record = GeneratedReport(
            kind=bulletin.kind,
            period=bulletin.period.key,
            format=fmt,
            generated_by=_actor_or_none(actor),
            status=ReportStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
        record.set_area(bulletin.area)
        record.save()
        _audit(actor, record)
    return record


def _audit(actor, record: GeneratedReport) -> None:
    audit_record(
        actor=actor,
        action="report",
        obj=record,
        area_code=record.area_code,
        detail={"kind": record.kind, "period": record.period, "format": record.format},
    )


def report_request(*, actor, kind: str, area, period, fmt: str) -> GeneratedReport:
    """Queue the generation of report ``kind`` for ``area`` (checked by the caller against the
    actor's scope) and ``period`` (parsed and checked) as ``fmt``."""
    if fmt not in FILE_FORMATS:
        raise ValueError(fmt)
    with transaction.atomic():
        record = GeneratedReport(
            kind=kind,
            period=period.key,
            format=fmt,
            generated_by=_actor_or_none(actor),
            status=ReportStatus.QUEUED,
            step=_("Waiting for the worker"),
        )
        record.set_area(area)
        record.save()
        _audit(actor, record)
        _enqueue(record)
    return record


def report_regenerate(*, actor, report: GeneratedReport) -> GeneratedReport:
    """Generate ``report`` again from today's record: a new report, the old one kept."""
    return report_request(
        actor=actor,
        kind=report.kind,
        area=report.area,
        period=parse_period(report.period),
        fmt=report.format,
    )


def _enqueue(record: GeneratedReport) -> None:
    from wangge.reports.tasks import generate_report  # tasks imports this module

    # The report row must be visible to the worker before it starts.
    transaction.on_commit(lambda: generate_report(record.pk))


def report_run(report_id: int) -> GeneratedReport:
    """Generate one queued report. Each progress update commits on its own so the page polling
    the report shows it; the file is written under a fresh name, then the record marked done."""
    claimed = GeneratedReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, progress=1, step=_("Reading the record")
    )
    record = GeneratedReport.objects.select_related("area", "generated_by").get(pk=report_id)
    if claimed != 1:
        return record
    steps = section_count() + 1  # the sections, then writing the file

    def progress(done: int, title: str) -> None:
        GeneratedReport.objects.filter(pk=report_id).update(
            progress=max(1, int(100 * done / steps)), step=title[:100]
        )

    actor = record.generated_by or SYSTEM
    name = f"{uuid.uuid4().hex}.{record.format}"
    try:
        from wangge.reports.documents import write_report

        with translation.override(settings.LANGUAGE_CODE):
            made = bulletin(
                actor, record.area, parse_period(record.period), kind=record.kind, progress=progress
            )
            GeneratedReport.objects.filter(pk=report_id).update(step=_("Writing the file"))
            write_report(made, record.format, reports_dir() / name)
    except Exception:
        GeneratedReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED,
            step="",
            message=_(
                "The report could not be generated because of an unexpected problem. Generate "
                "it again, and tell the administrator if it happens again."
            ),
            finished_at=timezone.now(),
        )
        raise
    GeneratedReport.objects.filter(pk=report_id).update(
        status=ReportStatus.DONE,
        progress=100,
        step="",
        file=name,
        generated_at=made.generated_at,
        finished_at=timezone.now(),
    )
    record.refresh_from_db()
    return record
