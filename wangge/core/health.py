"""``/healthz`` for monitoring: no login, JSON, 200 when everything is ok and 503 otherwise.

Checks the database (one query), the queue consumer (a periodic task writes a heartbeat every
minute; older than ``HEALTHZ_HEARTBEAT_STALE_MINUTES`` means no consumer runs), and the free
space under ``WANGGE_VAR_DIR``. Nothing personal and no configuration beyond the version.
"""

import datetime
import shutil
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

NOT_MIGRATED = gettext_lazy(
    "The database is not up to date: run `wangge migrate` (or `wangge demo` for the demo) first."
)


def migrations_pending(database=connection) -> bool:
    """Whether the code has migrations the database lacks (the commands that need them say
    ``NOT_MIGRATED``)."""
    executor = MigrationExecutor(database)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def heartbeat_write() -> None:
    path = settings.HEALTHZ_HEARTBEAT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(timezone.now().isoformat(), encoding="utf-8")


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the database is not usable
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def _queue() -> dict:
    if settings.HUEY.get("immediate"):
        return {"status": "ok", "mode": "immediate"}
    try:
        raw = settings.HEALTHZ_HEARTBEAT_FILE.read_text(encoding="utf-8").strip()
        beat = datetime.datetime.fromisoformat(raw)
    except (OSError, ValueError):
        return {"status": "degraded", "last_heartbeat": None}
    age = (timezone.now() - beat).total_seconds()
    stale = age > settings.HEALTHZ_HEARTBEAT_STALE_MINUTES * 60
    return {
        "status": "degraded" if stale else "ok",
        "last_heartbeat": beat.isoformat(),
        "age_seconds": round(age),
    }


def _disk() -> dict:
    free_mb = shutil.disk_usage(settings.VAR_DIR).free // (1024 * 1024)
    low = free_mb < settings.HEALTHZ_MIN_FREE_MB
    return {"status": "low" if low else "ok", "free_mb": free_mb}


def _version() -> str:
    try:
        return version("wangge")
    except PackageNotFoundError:
        return "unknown"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database(), "queue": _queue(), "disk": _disk()}
    ok = all(check["status"] == "ok" for check in checks.values())
    body = {"status": "ok" if ok else "degraded", "version": _version(), **checks}
    return JsonResponse(body, status=200 if ok else 503)
