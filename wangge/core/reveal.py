"""The audited reveal of full numbers (ID, phone) that pages otherwise show masked.

The caller has already decided that the user may see them; this records who looked, at
what and why, and hands back the values.
"""

from collections.abc import Iterable

from django.db import transaction

from wangge.audit.services import audit_record


def reveal(*, actor, obj, fields: Iterable[str], reason: str) -> dict[str, str]:
    """Write one ``reveal`` audit row naming ``fields`` and ``reason``; the fields' full values."""
    fields = list(fields)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="reveal",
            obj=obj,
            detail={"fields": fields, "reason": reason},
        )
    return {field: getattr(obj, field) for field in fields}
