from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_record, audit_verify_chain


def test_events_chain_and_tampering_is_detected(township_admin):
    first = audit_record(actor=township_admin, action="reveal", object_type="x", object_id="1")
    second = audit_record(actor=township_admin, action="export", detail={"rows": 3})
    assert second.prev_hash == first.hash
    assert audit_verify_chain() is None

    AuditEvent.objects.filter(pk=first.pk).update(action="nothing-to-see")
    assert audit_verify_chain() == first.pk
