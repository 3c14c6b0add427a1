import datetime
import hashlib
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit import triggers
from wangge.audit.models import AuditEvent
from wangge.audit.services import (
    PurgeRefused,
    _payload,
    anchor_read,
    audit_anchor_write,
    audit_purge,
    audit_record,
    audit_verify,
    audit_verify_chain,
)


def _events(actor, n=4):
    return [audit_record(actor=actor, action="reveal", object_id=str(i)) for i in range(n)]


def _as_attacker():
    """Someone with database access lifts the triggers first (they can; the chain must still
    tell). Inside the test's transaction, so the triggers come back afterwards."""
    triggers.drop_triggers(connection)


def test_events_chain_and_verify(township_admin):
    first = audit_record(actor=township_admin, action="reveal", object_type="x", object_id="1")
    second = audit_record(actor=township_admin, action="export", detail={"rows": 3})
    assert second.prev_hash == first.hash
    assert audit_verify() is None
    assert audit_verify_chain() is None


def test_edit_with_recomputed_unkeyed_hashes_is_detected(township_admin):
    """GIVEN an attacker who edits an event's text and recomputes every hash the old, unkeyed
    way THEN verification names the edited event."""
    events = _events(township_admin)
    _as_attacker()
    AuditEvent.objects.filter(pk=events[1].pk).update(object_id="nothing-to-see")
    prev = ""
    for event in AuditEvent.objects.order_by("id"):
        body = json.dumps(_payload(event), sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    broken = audit_verify()
    assert broken is not None and broken.event_id == events[0].pk


def test_deleting_the_newest_events_is_detected_by_the_anchor(township_admin):
    events = _events(township_admin)
    anchor = audit_anchor_write()
    assert anchor_read() == {"id": events[-1].pk, "hash": events[-1].hash}
    assert anchor["id"] == events[-1].pk
    assert audit_verify() is None
    _as_attacker()
    AuditEvent.objects.filter(pk__gte=events[2].pk).delete()
    broken = audit_verify()
    assert broken is not None and broken.event_id == events[-1].pk
    assert "removed" in broken.reason


def test_deleting_the_oldest_events_is_detected(township_admin):
    events = _events(township_admin)
    _as_attacker()
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    assert audit_verify_chain() == events[1].pk


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_database_refuses_to_change_recent_events(township_admin, statement):
    """The triggers hold on SQLite and on PostgreSQL, whatever the application does."""
    event = audit_record(actor=township_admin, action="reveal")
    rows = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(DatabaseError, match="audit events"), transaction.atomic():
        rows.update(action="x") if statement == "update" else rows.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "reveal"


def test_purge_keeps_six_months_and_the_rest_verifies(township_admin):
    """GIVEN events from a year ago and today WHEN the old ones are purged THEN today's remain,
    the purge is itself recorded, and the chain still verifies (also against the anchor)."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=365), tick=False):
        old = _events(township_admin, 3)
        audit_anchor_write()
    recent = _events(township_admin, 2)
    with pytest.raises(PurgeRefused):
        audit_purge(actor=township_admin, older_than_days=30)
    purge = audit_purge(actor=None, older_than_days=200)
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert purge.detail["count"] == 3
    assert purge.detail["first_kept_id"] == recent[0].pk
    assert audit_verify() is None
    audit_anchor_write()
    assert audit_verify() is None
    # Removing the next event too, without a purge, is a break.
    _as_attacker()
    AuditEvent.objects.filter(pk=recent[0].pk).delete()
    assert audit_verify_chain() == recent[1].pk


def test_verify_command_exits_non_zero_and_names_the_event(township_admin):
    events = _events(township_admin)
    call_command("audit", "verify")
    _as_attacker()
    AuditEvent.objects.filter(pk=events[2].pk).update(action="nothing")
    with pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("audit", "verify")
    with pytest.raises(CommandError, match="183"):
        call_command("audit", "purge", "--days", "10")


def test_audit_page_agrees_with_the_command(client, regions):
    auditor = testing.make_user("auditor", Role.AUDIT_ADMIN, testing.TOWNSHIP)
    TOTPDevice.objects.create(user=auditor, name="t", confirmed=True)
    client.force_login(auditor)
    events = _events(auditor)
    audit_anchor_write()
    page = client.get("/audit/?verify=1")
    assert "The chain is intact" in page.content.decode()
    _as_attacker()
    AuditEvent.objects.filter(pk__gte=events[3].pk).delete()
    page = client.get("/audit/?verify=1")
    assert f"The chain is broken at event {events[3].pk}" in page.content.decode()
