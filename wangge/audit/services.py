"""Writing audit events. Every reveal, export, import and role change calls ``audit_record``.

Tamper evidence has three parts (issue 15):

- a keyed chain: each event's hash is an HMAC-SHA256 of the previous hash and the event, with a
  key that is not in the database (``WANGGE_AUDIT_KEY``, or one derived from ``WANGGE_DATA_KEY``
  under its own HKDF label), so whoever edits rows cannot recompute the hashes;
- a head anchor: a periodic task writes the last event's id and hash to a file outside the
  database (and to the ``wangge.audit.anchor`` log, which production sends to syslog), so
  removing the newest events is noticed;
- database triggers (migration 0003) refuse UPDATE, and DELETE of events younger than the
  retention period; ``audit_purge`` removes older events and records where the chain resumes.
"""

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from wangge.audit.models import AuditEvent

anchor_log = logging.getLogger("wangge.audit.anchor")

PURGE_ACTION = "audit.purge"
# The legal minimum (Cybersecurity Law art. 21: six months); the triggers enforce it too.
MIN_RETENTION_DAYS = 183


@lru_cache(maxsize=4)
def _key_for(raw: str) -> bytes:
    material = raw.encode("utf-8")
    with contextlib.suppress(ValueError):
        material = base64.b64decode(material, validate=True)
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"wangge audit chain v1"
    ).derive(material)


def chain_key() -> bytes:
    return _key_for(settings.AUDIT_KEY or settings.DATA_KEY)


def _payload(event: AuditEvent) -> dict:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "area_code": event.area_code,
        "detail": event.detail,
    }


def chain_digest(prev_hash: str, payload: dict, *, key: bytes | None = None) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    message = f"{prev_hash}\n{body}".encode()
    return hmac.new(key or chain_key(), message, hashlib.sha256).hexdigest()


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
    # No savepoint: a failure here fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            area_code=area_code,
            detail=detail or {},
            prev_hash=prev,
        )
        event.hash = chain_digest(prev, _payload(event))
        event.save(force_insert=True)
        return event


# ---- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain first fails: ``event_id`` (a missing one for a truncation) and why."""

    event_id: int
    reason: str


def _start_of_chain(first: AuditEvent | None) -> tuple[str, ChainBreak | None]:
    """The hash the first kept event must follow: "" unless a purge removed older events, in
    which case the newest purge record (itself a chained, keyed event) says which."""
    if first is None or first.prev_hash == "":
        return "", None
    purge = AuditEvent.objects.filter(action=PURGE_ACTION).order_by("-id").first()
    if (
        purge is None
        or purge.detail.get("first_kept_id") != first.id
        or purge.detail.get("last_hash") != first.prev_hash
    ):
        return "", ChainBreak(first.id, "events before this one were removed without a purge")
    return first.prev_hash, None


def _check_anchor(anchor: dict | None, first_id: int | None, anchored_hash: str | None):
    if anchor is None:
        return None
    if anchored_hash == anchor["hash"]:
        return None
    if first_id is not None and anchor["id"] < first_id:
        return None  # purged since the anchor was written; the purge record vouches for it
    if anchored_hash is not None:
        return ChainBreak(anchor["id"], "the event differs from the anchor written outside")
    return ChainBreak(anchor["id"], "the newest events were removed (the anchor names this one)")


def audit_verify() -> ChainBreak | None:
    """Check every kept event's link and keyed hash, then the head against the anchor."""
    key = chain_key()
    anchor = anchor_read()
    events = AuditEvent.objects.order_by("id")
    first = events.first()
    prev, broken = _start_of_chain(first)
    if broken:
        return broken
    anchored_hash = None
    for event in events.iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return ChainBreak(event.id, "its link to the previous event does not match")
        if not hmac.compare_digest(event.hash, chain_digest(prev, _payload(event), key=key)):
            return ChainBreak(event.id, "its content was changed after it was written")
        prev = event.hash
        if anchor and event.id == anchor["id"]:
            anchored_hash = event.hash
    return _check_anchor(anchor, first.id if first else None, anchored_hash)


def audit_verify_chain() -> int | None:
    """Return the id of the first event whose hash does not match, or None when intact."""
    broken = audit_verify()
    return broken.event_id if broken else None


# ---- the anchor outside the database ---------------------------------------------------------


def anchor_path() -> Path:
    """One anchor per database, so the demo, a restored copy and test databases never mix."""
    db = connection.settings_dict
    identity = f"{connection.vendor}:{db.get('HOST') or ''}:{db.get('PORT') or ''}:{db['NAME']}"
    name = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(settings.AUDIT_ANCHOR_DIR) / f"{name}.json"


def anchor_read() -> dict | None:
    path = anchor_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {"id": int(data["id"]), "hash": str(data["hash"])}
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        # An unreadable anchor is itself a finding: treat it as naming event 0.
        return {"id": 0, "hash": "unreadable"}


def audit_anchor_write() -> dict | None:
    """Write the chain's head to the anchor file (atomically) and to the anchor log."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if head is None:
        return None
    anchor = {"id": head["id"], "hash": head["hash"], "written_at": timezone.now().isoformat()}
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(anchor), encoding="utf-8")
    tmp.replace(path)
    anchor_log.info("audit head id=%s hash=%s", anchor["id"], anchor["hash"])
    return anchor


# ---- retention -------------------------------------------------------------------------------


class PurgeRefused(Exception):
    pass


def audit_purge(*, actor, older_than_days: int) -> AuditEvent:
    """Delete events older than ``older_than_days`` (at least the retention period) and append
    a purge record naming the first kept event and the hash it follows, so the rest verifies."""
    if older_than_days < max(MIN_RETENTION_DAYS, settings.AUDIT_RETENTION_DAYS):
        raise PurgeRefused(
            f"Audit events are kept at least {settings.AUDIT_RETENTION_DAYS} days; "
            f"{older_than_days} is too few."
        )
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    with transaction.atomic():
        _lock_chain()
        # A prefix of the chain: everything up to the newest event older than the cut-off.
        last_old = AuditEvent.objects.filter(at__lt=cutoff).order_by("-id").first()
        first = AuditEvent.objects.order_by("id").first()
        count = 0
        if last_old is not None:
            count, _by_model = AuditEvent.objects.filter(id__lte=last_old.id).delete()
        kept = AuditEvent.objects.order_by("id").first()
        return audit_record(
            actor=actor,
            action=PURGE_ACTION,
            detail={
                "before": cutoff.isoformat(),
                "count": count,
                "purged_from_id": first.id if first and count else None,
                "first_kept_id": kept.id if kept else None,
                "last_hash": kept.prev_hash if kept else "",
            },
        )
