import threading

import pytest
from django.db import connection, transaction

from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_record, audit_verify_chain


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    """Writers appending at once each chain to the one committed before them (a row lock on
    the last event would let a waiter wake up holding a stale last hash)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens every transaction with BEGIN IMMEDIATE: writers never overlap")
    audit_record(actor=None, action="start")
    writers, rounds = 6, 5
    barrier = threading.Barrier(writers)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(rounds):
                with transaction.atomic():
                    audit_record(actor=None, action="test", detail={"writer": n, "i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.count() == 1 + writers * rounds
    assert audit_verify_chain() is None
    assert AuditEvent.objects.values("prev_hash").distinct().count() == 1 + writers * rounds
