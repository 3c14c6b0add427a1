"""Uploaded files waiting between upload, mapping and commit: kept on disk under var/, known to
the session by a random token, so a file is parsed again on commit rather than trusted."""

import secrets
from pathlib import Path

from django.conf import settings
from django.http import Http404

_KEY = "flags_uploads"


def _dir() -> Path:
    path = Path(settings.VAR_DIR) / "agency-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stage(request, *, content: bytes, file_name: str, source_kind: str, area_code: str) -> str:
    token = secrets.token_urlsafe(16)
    (_dir() / token).write_bytes(content)
    uploads = request.session.get(_KEY, {})
    uploads[token] = {"file_name": file_name, "source": source_kind, "area_code": area_code}
    request.session[_KEY] = dict(list(uploads.items())[-5:])
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
