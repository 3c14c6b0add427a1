"""/healthz: no login, JSON, 200 when the database, queue consumer and disk are fine, else 503."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.utils import timezone


@pytest.fixture
def real_queue(settings, tmp_path):
    """A deployment with a separate consumer (not the tests' immediate mode)."""
    settings.HUEY = {**settings.HUEY, "immediate": False}
    settings.HEALTHZ_HEARTBEAT_FILE = tmp_path / "queue-heartbeat"
    return settings.HEALTHZ_HEARTBEAT_FILE


def _get(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_all_ok_without_login(client, real_queue):
    from wangge.core.tasks import queue_heartbeat_task

    queue_heartbeat_task.call_local()
    status, body = _get(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["queue"]["status"] == "ok"
    assert body["disk"]["free_mb"] > 0
    assert body["version"]


@pytest.mark.django_db
def test_stale_or_missing_heartbeat_is_degraded(client, real_queue, settings):
    status, body = _get(client)
    assert (status, body["queue"]["status"]) == (503, "degraded")
    old = timezone.now() - datetime.timedelta(minutes=settings.HEALTHZ_HEARTBEAT_STALE_MINUTES + 1)
    real_queue.write_text(old.isoformat())
    status, body = _get(client)
    assert (status, body["status"], body["queue"]["status"]) == (503, "degraded", "degraded")


@pytest.mark.django_db
def test_low_disk_is_degraded(client, settings):
    settings.HEALTHZ_MIN_FREE_MB = 10**12
    status, body = _get(client)
    assert (status, body["disk"]["status"]) == (503, "low")


@pytest.mark.django_db
def test_database_down_is_503(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    status, body = _get(client)
    assert (status, body["database"]["status"]) == (503, "down")
    assert "connection refused" not in str(body)
