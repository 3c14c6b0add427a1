"""Issue 15, finding 2: the public form's and tracking page's limits hold across web processes.

Two real worker processes, configured as production is (no test settings), take turns counting
attempts of one phone: the limit is reached after 3 in total, not 3 in each.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

WORKER = """
import sys
import django
django.setup()
from django.conf import settings
from wangge.core.public import rate_limited
print(settings.CACHES["default"]["BACKEND"], flush=True)
for line in sys.stdin:
    kind, who = line.split()
    print("refused" if rate_limited(kind, who) else "accepted", flush=True)
"""


def _env(tmp_path: Path, redis_url: str = "") -> dict:
    # A production-like process: none of the test run's own settings (e.g. a browser test's
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANGGE_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="wangge.settings",
        WANGGE_VAR_DIR=str(tmp_path),
        WANGGE_DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        WANGGE_REDIS_URL=redis_url,
    )
    return env


def _start(env: dict) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    worker.backend = worker.stdout.readline().strip()
    return worker


def _ask(worker: subprocess.Popen, kind: str, who: str) -> str:
    worker.stdin.write(f"{kind} {who}\n")
    worker.stdin.flush()
    return worker.stdout.readline().strip()


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _two_workers_share_the_limits(env: dict, backend: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "createcachetable"], env=env, check=True
    )
    first, second = _start(env), _start(env)
    try:
        assert first.backend == second.backend == backend
        # One phone, limit 3 an hour, alternating between the workers.
        answers = [_ask(w, "submit_per_phone", "13800000001") for w in (first, second) * 3]
        assert answers == ["accepted"] * 3 + ["refused"] * 3
        # One address, limit 10.
        answers = [_ask(w, "submit_per_ip", "10.1.2.3") for w in (first, second) * 7]
        assert answers.count("accepted") == 10
        # Tracking look-ups, limit 30.
        answers = [_ask(w, "track_per_ip", "10.1.2.4") for w in (first, second) * 20]
        assert answers.count("accepted") == 30 and answers[-10:] == ["refused"] * 10
    finally:
        for worker in (first, second):
            worker.stdin.close()
            worker.wait(timeout=10)


def test_limits_hold_across_two_workers_with_the_database_cache(tmp_path):
    _two_workers_share_the_limits(_env(tmp_path), "django.core.cache.backends.db.DatabaseCache")


def test_limits_hold_across_two_workers_with_redis(tmp_path, redis_url):
    _two_workers_share_the_limits(
        _env(tmp_path, redis_url), "django.core.cache.backends.redis.RedisCache"
    )
