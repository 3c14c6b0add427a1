"""Re-chain the existing events with the keyed hash (issue 15).

Events written before this migration were chained with plain SHA-256, which anyone with database
access can recompute. The old chain is checked first; the result is recorded in a closing
``audit.rechain`` event, so an auditor sees whether the unkeyed trail was intact when it was
sealed. The migration runs before the triggers that forbid UPDATE (0003).
"""

import hashlib
import json

from django.db import migrations
from django.utils import timezone


def _payload(event) -> dict:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "area_code": event.area_code,
        "detail": event.detail,
    }


def _body(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)


def rechain(apps, schema_editor):
    from wangge.audit.services import chain_digest

    AuditEvent = apps.get_model("audit", "AuditEvent")
    events = list(AuditEvent.objects.using(schema_editor.connection.alias).order_by("id"))
    if not events:
        return
    old_prev, first_break = "", None
    for event in events:
        expected = hashlib.sha256(f"{old_prev}\n{_body(_payload(event))}".encode()).hexdigest()
        if first_break is None and (event.prev_hash != old_prev or event.hash != expected):
            first_break = event.id
        old_prev = event.hash
    prev = ""
    for event in events:
        event.prev_hash = prev
        event.hash = chain_digest(prev, _payload(event))
        event.save(update_fields=["prev_hash", "hash"])
        prev = event.hash
    closing = AuditEvent(
        at=timezone.now(),
        action="audit.rechain",
        detail={"events": len(events), "unkeyed_chain_broken_at": first_break},
        prev_hash=prev,
    )
    closing.hash = chain_digest(prev, _payload(closing))
    closing.save()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
