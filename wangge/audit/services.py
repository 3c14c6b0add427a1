"""Writing audit events. Every reveal, export, import and role change calls ``audit_record``."""

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from wangge.audit.models import AuditEvent


def _digest(prev_hash: str, payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


# Any fixed 64-bit number, the same in every process: the PostgreSQL advisory lock that
# serialises appends to the chain.
CHAIN_LOCK = 0x7761_6E67_6765_0001


def _lock_chain() -> None:
    """Hold the chain until the transaction ends, so that two appends never read the same
    last hash.

    PostgreSQL: a transaction-level advisory lock, taken in its own statement so that the
    read of the last hash after it sees every append committed before (``SELECT … ORDER BY id
    DESC LIMIT 1 FOR UPDATE`` does not: a waiter wakes up holding the old last row). SQLite:
    the settings open every transaction with ``BEGIN IMMEDIATE``, which already takes the
    database's write lock, so writers run one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    area_code: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event, chained to the previous one."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        area_code = area_code or getattr(obj, "area_code", "") or ""
    detail = detail or {}
    # No savepoint: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        at = timezone.now()
        payload = {
            "at": at.isoformat(),
            "actor": getattr(actor, "pk", None),
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "area_code": area_code,
            "detail": detail,
        }
        return AuditEvent.objects.create(
            at=at,
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            area_code=area_code,
            detail=detail,
            prev_hash=prev,
            hash=_digest(prev, payload),
        )


def audit_verify_chain() -> int | None:
    """Return the id of the first event whose hash does not match, or None when intact."""
    prev = ""
    for event in AuditEvent.objects.order_by("id").iterator():
        payload = {
            "at": event.at.isoformat(),
            "actor": event.actor_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "area_code": event.area_code,
            "detail": event.detail,
        }
        if event.prev_hash != prev or event.hash != _digest(prev, payload):
            return event.id
        prev = event.hash
    return None
