"""Generating a report: build it from the record, keep who generated it and when, audit it."""

from django.db import transaction

from wangge.audit.services import audit_record
from wangge.reports.models import GeneratedReport
from wangge.reports.selectors import Bulletin


def bulletin_generated(*, actor, bulletin: Bulletin, fmt: str) -> GeneratedReport:
    """Record that ``actor`` generated ``bulletin`` as ``fmt`` (html or docx); one transaction
    with its audit row. Generation itself is synchronous (a quarter's figures are aggregate
    queries); the caller renders the file."""
    with transaction.atomic():
        record = GeneratedReport(
            kind="bulletin",
            period=bulletin.period.key,
            format=fmt,
            # The command line without --user acts as the system: no user to name.
            generated_by=actor if getattr(actor, "pk", None) else None,
        )
        record.set_area(bulletin.area)
        record.save()
        audit_record(
            actor=actor,
            action="report",
            obj=record,
            area_code=bulletin.area.code,
            detail={"kind": "bulletin", "period": bulletin.period.key, "format": fmt},
        )
    return record
