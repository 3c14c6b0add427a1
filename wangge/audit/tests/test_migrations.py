"""Events chained the old, unkeyed way verify after the migration re-chains them with the key."""

import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_record, audit_verify


def _old_digest(prev: str, payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_unkeyed_events_are_rechained_and_verify():
    executor = MigrationExecutor(connection)
    before = [("audit", "0001_initial")]
    executor.migrate(before)
    OldEvent = executor.loader.project_state(before).apps.get_model("audit", "AuditEvent")
    prev = ""
    for i in range(3):
        at = timezone.now()
        payload = {
            "at": at.isoformat(),
            "actor": None,
            "action": "reveal",
            "object_type": "",
            "object_id": str(i),
            "area_code": "",
            "detail": {},
        }
        prev = OldEvent.objects.create(
            at=at,
            action="reveal",
            object_id=str(i),
            prev_hash=prev,
            hash=_old_digest(prev, payload),
        ).hash
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    closing = AuditEvent.objects.order_by("-id").first()
    assert closing.action == "audit.rechain"
    assert closing.detail == {"events": 3, "unkeyed_chain_broken_at": None}
    audit_record(actor=None, action="after")
    assert audit_verify() is None
