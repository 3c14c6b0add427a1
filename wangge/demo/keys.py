"""The demo's local keys: ``var/local.env`` with a random secret key and data key.

Settings read ``var/local.env`` when they load, but ``wangge demo`` runs after settings have
loaded — on a fresh clone the file does not exist yet and the settings fell back to the fixed
demo keys. So the command writes the file and then puts the same values into the live
settings, with the precedence settings.py uses (environment first, then the file). The
encryption keys are cached per data-key string (``crypto._keys``), so the new key is used
from the next encryption on; every later process (``wangge serve``) reads the file itself.
"""

import base64
import os
import secrets
from pathlib import Path

from django.conf import settings

from wangge.core import crypto

ENV_NAMES = ("WANGGE_SECRET_KEY", "WANGGE_DATA_KEY")


def local_env_path() -> Path:
    return Path(settings.VAR_DIR) / "local.env"


def read_local_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def ensure_local_keys() -> tuple[Path, bool]:
    """Write var/local.env once (never overwrite: the database is encrypted with its key)."""
    path = local_env_path()
    created = False
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        body = (
            "# Written by `wangge demo`: keys for this machine's demo only. Keep it private;\n"
            "# deleting it makes the encrypted demo data unreadable (then: wangge demo --reset).\n"
            f"WANGGE_SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"WANGGE_DATA_KEY={base64.b64encode(secrets.token_bytes(32)).decode('ascii')}\n"
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        created = True
    local = read_local_env(path)
    settings.SECRET_KEY = (
        os.environ.get("WANGGE_SECRET_KEY") or local.get("WANGGE_SECRET_KEY") or settings.SECRET_KEY
    )
    settings.DATA_KEY = (
        os.environ.get("WANGGE_DATA_KEY") or local.get("WANGGE_DATA_KEY") or settings.DATA_KEY
    )
    crypto._keys.cache_clear()
    return path, created
