"""Issue 15, finding 9: in production, HTTPS only (redirect and HSTS), configurable behind a
TLS-terminating proxy, and ``manage.py check --deploy`` clean. Production settings are read
when Django starts, so each case runs in its own process."""

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import django
django.setup()
from django.test import Client
c = Client()
plain = c.get("/api/v1/regions")
print("plain", plain.status_code, plain.get("Location", ""))
proxied = c.get("/api/v1/regions", HTTP_X_FORWARDED_PROTO="https")
print("proxied", proxied.status_code, proxied.get("Strict-Transport-Security", ""))
health = c.get("/healthz")
print("healthz", health.status_code)
"""


def _env(tmp_path: Path, **extra) -> dict:
    # A production-like process: none of the test run's own settings (e.g. a browser test's
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANGGE_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="wangge.settings",
        WANGGE_PRODUCTION="1",
        WANGGE_SECRET_KEY="x" * 60 + "production-test-secret",
        WANGGE_DATA_KEY=base64.b64encode(os.urandom(32)).decode(),
        WANGGE_VAR_DIR=str(tmp_path),
        **extra,
    )
    return env


def test_check_deploy_is_clean(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_is_redirected_and_https_gets_hsts(tmp_path):
    env = _env(tmp_path, WANGGE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    plain, proxied, health = (line.split(" ", 2) for line in out[:3])
    assert plain[1] == "301" and plain[2].startswith("https://")
    assert proxied[1] != "301"
    assert "max-age=31536000" in proxied[2] and "includeSubDomains" in proxied[2]
    assert health[1] != "301"  # the local monitor may use plain HTTP


def test_redirect_can_be_left_to_the_proxy(tmp_path):
    env = _env(tmp_path, WANGGE_SSL_REDIRECT="0")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "plain 301" not in out
