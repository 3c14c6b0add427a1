"""Uploaded files waiting between upload, mapping and commit: kept on disk under var/, known to
the session by a random token, so a file is parsed again on commit rather than trusted."""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404

_KEY = "flags_uploads"
_KEEP_PER_SESSION = 5


def _dir() -> Path:
    path = Path(settings.VAR_DIR) / "agency-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stage(request, *, content: bytes, file_name: str, source_kind: str, area_code: str) -> str:
    token = secrets.token_urlsafe(16)
    (_dir() / token).write_bytes(content)
    uploads = request.session.get(_KEY, {})
    uploads[token] = {"file_name": file_name, "source": source_kind, "area_code": area_code}
    kept = list(uploads.items())[-_KEEP_PER_SESSION:]
    # Files the session forgets are unreachable: remove them now rather than leave them.
    for old in set(uploads) - {t for t, _info in kept}:
        (_dir() / old).unlink(missing_ok=True)
    request.session[_KEY] = dict(kept)
    return token


def staged(request, token: str) -> tuple[dict, bytes]:
    info = request.session.get(_KEY, {}).get(token)
    path = _dir() / token
    if info is None or not path.is_file():
        raise Http404
    return info, path.read_bytes()


def unstage(request, token: str) -> None:
    uploads = request.session.get(_KEY, {})
    uploads.pop(token, None)
    request.session[_KEY] = uploads
    (_dir() / token).unlink(missing_ok=True)


def purge_stale(*, older_than_days: int) -> int:
    """Delete staged files nobody committed or discarded (a closed tab, an expired session);
    return how many. Run daily by ``flags.tasks.agency_uploads_cleanup_task``."""
    cutoff = time.time() - older_than_days * 86400
    removed = 0
    for path in _dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
