"""Fault: the database connection is lost under load (issue 15, S14).

The real served app (gunicorn, two workers, ``deploy/gunicorn.conf.py``) reaches PostgreSQL
through a small TCP proxy in this test. Stopping the proxy cuts every open connection and
refuses new ones — for this app alone, unlike restarting the machine's shared server, which
would break the tests running beside this one. While it is down, pages answer a Chinese 503
that says what happened (no debug page, no 500), ``/healthz`` says the database is down; when
the proxy is back the same workers answer normally again, without restarting the app.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each needs the database: a QR key looked up, SELECT 1, a bearer token looked up.
PAGES = ["/requests/q/no-such-key/", "/healthz", "/api/v1/requests/categories"]
NORMAL = {"/requests/q/no-such-key/": 404, "/api/v1/requests/categories": 401}


def _normal(status: int, body: str, page: str) -> bool:
    if page == "/healthz":  # no queue consumer runs here: 503 for the queue, database ok
        return '"database": {"status": "ok"' in body
    return status == NORMAL[page]


pytestmark = [pytest.mark.slow, pytest.mark.postgres]


class Proxy:
    """A TCP proxy in a thread of its own: ``stop()`` drops every connection and the port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = None
        self.writers: set[asyncio.StreamWriter] = set()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()

    async def _handle(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.writers |= {client_writer, server_writer}
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
        )
        self.writers -= {client_writer, server_writer}

    async def _start(self):
        self.server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _stop(self):
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await self.server.wait_closed()

    def start(self):
        self._call(self._start())

    def stop(self):
        self._call(self._stop())

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def _get(base: str, path: str) -> tuple[int, str]:
    headers = {"Accept-Language": "zh-hans"}
    if path.startswith("/api/"):
        headers["Authorization"] = "Bearer wg_" + "x" * 43  # well formed, unknown: looked up
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


@pytest.fixture
def served_through_proxy(transactional_db, tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in the PostgreSQL run: WANGGE_TEST_DATABASE_URL)")
    db = connection.settings_dict
    proxy = Proxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        web_port = s.getsockname()[1]
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WANGGE_", "DJANGO_", "PYTEST_")) and k != "PGDATABASE"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="wangge.settings",
        WANGGE_VAR_DIR=str(tmp_path),
        WANGGE_DATABASE_URL=f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{db['NAME']}",
        WANGGE_BIND=f"127.0.0.1:{web_port}",
        WANGGE_WEB_WORKERS="2",
        WANGGE_WEB_TIMEOUT="30",
    )
    log = (tmp_path / "gunicorn.log").open("w")
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy/gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{web_port}"
    try:
        for _ in range(200):
            try:
                if _get(base, PAGES[0])[0] == 404:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
        yield base, proxy, gunicorn
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        log.close()
        proxy.stop() if proxy.server and proxy.server.is_serving() else None
        proxy.close()


def test_lost_database_is_a_clean_503_and_the_app_recovers_by_itself(served_through_proxy):
    base, proxy, gunicorn = served_through_proxy
    workers = _workers(gunicorn.pid)
    assert len(workers) == 2
    seen: list[tuple[str, float, int, str]] = []
    phase = {"name": "before"}
    stop = threading.Event()

    def load():
        while not stop.is_set():
            for page in PAGES:
                status, body = _get(base, page)
                seen.append((phase["name"], time.monotonic(), status, body, page))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        phase["name"] = "down"
        proxy.stop()
        time.sleep(3)
        phase["name"] = "back"
        proxy.start()
        back = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    # Never a 500 or a debug page, whatever moment the connection broke.
    assert {status for _, _, status, _, _ in seen} <= {200, 401, 404, 503}
    people = [b for _, _, _, b, p in seen if p != "/healthz"]  # /healthz names the error class
    assert not [b for b in people if "Traceback" in b or "OperationalError" in b]
    before = [(s, b, p) for name, _, s, b, p in seen if name == "before"]
    assert before and all(_normal(*answer) for answer in before), [
        a for a in before if not _normal(*a)
    ][:3]
    # While down: the page says plainly, in Chinese, that the database cannot be reached.
    down = [(s, b, p) for name, _, s, b, p in seen if name == "down"]
    pages_down = [(s, b) for s, b, p in down if p == "/requests/q/no-such-key/"]
    assert pages_down and {s for s, _ in pages_down[2:]} == {503}
    assert "暂时无法连接数据库" in pages_down[-1][1] and "请稍等一分钟再试" in pages_down[-1][1]
    health_down = [b for s, b, p in down if p == "/healthz"]
    assert '"database": {"status": "down"' in health_down[-1]
    api_down = [b for s, b, p in down if p.startswith("/api/") and "unavailable" in b]
    assert api_down, [(s, b) for s, b, p in down if p.startswith("/api/")][-3:]
    # Back: within a few seconds every answer is normal again, from the same workers.
    late = [(s, b, p) for name, t, s, b, p in seen if name == "back" and t > back + 1.5]
    assert late and all(_normal(*answer) for answer in late)
    assert _workers(gunicorn.pid) == workers
    assert gunicorn.poll() is None
