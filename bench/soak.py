"""Soak: the served app at half its measured capacity for a long time — zero errors, flat memory.

Builds the throwaway database of ``bench/requests_http.py`` (a township, a four-level service
grid, 60 households, a member with an account and 40 open requests, a grid whose QR code takes
public requests; SQLite, or PostgreSQL with ``--database-url``), starts gunicorn with the
command line of ``wangge serve`` (sync workers, ``--preload``, no worker recycling, so that a
leak would show) and ``bench/bench_http_settings.py`` (public-form rate limits raised), then:

1. capacity: ``--threads`` clients in a closed loop for ``--measure`` seconds on the mix below;
   the requests per second they get is the capacity;
2. soak: the same mix paced at ``--fraction`` (½) of that rate for ``--duration`` seconds,
   sampling the resident memory (RSS) of every gunicorn worker every ``--sample`` seconds.

The mix, in turn: the member's pages (overview, open requests, notices), the API with a bearer
token (the member's requests, the categories), the public form (GET the form, POST a filled-in
request with a valid signed challenge; every POST is a new request, stored), the public
tracking page. An error is any answer other than 200 (after redirects) or a failed connection.

Prints capacity, achieved rate, errors by kind, latency p50/p99, and per worker the RSS at
start (after the first minute's warm-up, or the first sample of a short run), end, maximum and
the slope of a least-squares line (MB per 10 minutes). Exit status 1 on any error.

    .venv/bin/python bench/soak.py --database-url postgres://postgres@127.0.0.1:5432/wangge_soak \
        [--duration 600] [--measure 20] [--workers 2] [--threads 8]
    .venv/bin/python bench/soak.py --duration 30      # a quick try while developing
"""

import argparse
import http.cookiejar
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _setup import ROOT, django_on, fresh_postgres, percentile  # noqa: E402
from requests_http import free_port, post_bodies, seed, wait_up  # noqa: E402

BODIES = 100_000


def mix(base: str, seeded: dict, token: str, bodies: list[str], csrf: str):
    """The requests of one round of the mix: (name, url, headers, body or None)."""
    session = {"Cookie": f"sessionid={seeded['session']}; csrftoken={csrf}"}
    api = {"Authorization": f"Bearer {token}"}
    public = {
        "Cookie": f"csrftoken={csrf}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    form = f"{base}/requests/q/{seeded['qr_key']}/"
    return [
        ("page: overview", f"{base}/", session, None),
        ("page: open requests", f"{base}/requests/", session, None),
        ("api: my requests", f"{base}/api/v1/requests/mine", api, None),
        ("public: form", form, {"Cookie": f"csrftoken={csrf}"}, None),
        ("page: notices", f"{base}/notices/", session, None),
        ("api: categories", f"{base}/api/v1/requests/categories", api, None),
        ("public: send request", form, public, "POST"),
        ("public: track", f"{base}/requests/track/", {}, None),
    ]


class Load:
    def __init__(self, base, seeded, token, bodies, csrf):
        self.rounds = mix(base, seeded, token, bodies, csrf)
        self.bodies = bodies
        self.next_body = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.done = 0
        self.by_kind: dict[str, int] = {}
        self.turn = 0

    def _body(self) -> bytes:
        with self.lock:
            body = self.bodies[self.next_body % len(self.bodies)]
            self.next_body += 1
        return body.encode()

    def one(self) -> None:
        with self.lock:
            name, url, headers, method = self.rounds[self.turn % len(self.rounds)]
            self.turn += 1
        data = self._body() if method == "POST" else None
        request = urllib.request.Request(url, data=data, headers=headers)
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        started = time.perf_counter()
        error = None
        try:
            with opener.open(request, timeout=30) as response:
                response.read()
                if response.status != 200:
                    error = f"{name}: {response.status}"
        except urllib.error.HTTPError as exc:
            exc.read()
            error = f"{name}: {exc.code}"
        except OSError as exc:
            error = f"{name}: {exc.__class__.__name__}"
        elapsed = time.perf_counter() - started
        with self.lock:
            self.done += 1
            self.by_kind[name] = self.by_kind.get(name, 0) + 1
            self.latencies.append(elapsed)
            if error:
                self.errors[error] = self.errors.get(error, 0) + 1


def closed_loop(load: Load, threads: int, seconds: float) -> float:
    stop = time.monotonic() + seconds

    def run():
        while time.monotonic() < stop:
            load.one()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return load.done / (time.monotonic() - started)


def paced(load: Load, threads: int, rate: float, seconds: float, on_tick) -> float:
    """Send at ``rate`` requests per second (a shared schedule; late requests go at once)."""
    interval = 1 / rate
    started = time.monotonic()
    stop = started + seconds
    slot = {"n": 0}
    lock = threading.Lock()

    def run():
        while True:
            with lock:
                due = started + slot["n"] * interval
                slot["n"] += 1
            if due >= stop:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            load.one()

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    while any(w.is_alive() for w in workers):
        on_tick()
        for worker in workers:
            worker.join(timeout=0.2)
    return load.done / (time.monotonic() - started)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return sorted(int(p) for p in children.read_text().split())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def slope_per_10_min(samples: list[tuple[float, float]]) -> float:
    if len(samples) < 2:
        return 0.0
    xs = [t for t, _ in samples]
    ys = [m for _, m in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if not var:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var * 600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--duration", type=float, default=600, help="soak seconds")
    parser.add_argument("--measure", type=float, default=20, help="capacity seconds")
    parser.add_argument("--fraction", type=float, default=0.5, help="of the capacity")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="client threads")
    parser.add_argument("--sample", type=float, default=5, help="seconds between RSS samples")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wangge-soak-"))
    url = fresh_postgres(opts.database_url) if opts.database_url else f"sqlite:///{tmp / 's.db'}"
    env = {
        **os.environ,
        "WANGGE_DATABASE_URL": url,
        "WANGGE_SECRET_KEY": secrets.token_urlsafe(40),
        "WANGGE_DEBUG": "0",
        "WANGGE_VAR_DIR": str(tmp),
        "WANGGE_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench_http_settings",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
    }
    os.environ.update(env)
    print(f"database: {url.split('@')[-1]}; seeding…", flush=True)
    django_on(url)
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    seeded = seed()
    from wangge.accounts.models import User
    from wangge.accounts.tokens import token_issue
    from wangge.appeals.models import Appeal

    token, _row = token_issue(user=User.objects.get(username="bench-member"))
    csrf = secrets.token_hex(16)
    bodies_file = tmp / "bodies.txt"
    post_bodies(bodies_file, seeded["category"], csrf, BODIES)
    bodies = bodies_file.read_text().splitlines()

    from wangge.core.management.commands.serve import web_command

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = web_command("127.0.0.1", port, opts.workers)
    print("server: " + " ".join(command[1:]), flush=True)
    log = (tmp / "gunicorn.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_up(f"{base}/accounts/login/")
        before = Appeal.objects.filter(grid_id=seeded["public_grid"]).count()
        warm = Load(base, seeded, token, bodies, csrf)
        closed_loop(warm, 2, 5)
        measure = Load(base, seeded, token, bodies, csrf)
        measure.next_body = warm.next_body
        capacity = closed_loop(measure, opts.threads, opts.measure)
        print(
            f"capacity: {capacity:.1f} req/s ({opts.threads} client threads, closed loop, "
            f"{opts.measure:.0f} s; errors {sum(measure.errors.values())})",
            flush=True,
        )
        rate = capacity * opts.fraction
        print(f"soak: {rate:.1f} req/s for {opts.duration:.0f} s", flush=True)
        print("load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        load = Load(base, seeded, token, bodies, csrf)
        load.next_body = measure.next_body
        pids = worker_pids(server.pid)
        samples: dict[int, list[tuple[float, float]]] = {pid: [] for pid in pids}
        t0 = time.monotonic()
        last = {"t": -opts.sample}

        def tick():
            now = time.monotonic() - t0
            if now - last["t"] >= opts.sample:
                last["t"] = now
                for pid in pids:
                    samples[pid].append((now, rss_mb(pid)))

        achieved = paced(load, opts.threads, rate, opts.duration, tick)
        for pid in pids:
            samples[pid].append((time.monotonic() - t0, rss_mb(pid)))
        print("load average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        stored = Appeal.objects.filter(grid_id=seeded["public_grid"]).count() - before
        errors = sum(load.errors.values()) + sum(measure.errors.values())
        print(
            f"soak: {load.done} requests, {achieved:.1f} req/s achieved, errors {errors} "
            f"{dict(sorted({**measure.errors, **load.errors}.items()))}"
        )
        print(
            f"latency: p50 {percentile(load.latencies, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(load.latencies, 0.99) * 1000:.1f} ms"
        )
        print("by kind: " + ", ".join(f"{k} {v}" for k, v in load.by_kind.items()))
        print(f"public requests stored: {stored}")
        same = worker_pids(server.pid) == pids
        print(f"workers: {pids} (unchanged: {same})")
        for pid, series in samples.items():
            # Past the first minute's warm-up (templates, caches filling) when there is one.
            steady = [s for s in series if s[0] >= 60] if opts.duration > 120 else series
            steady = steady or series
            print(
                f"worker {pid} RSS MB: start {steady[0][1]:.1f} end {series[-1][1]:.1f} "
                f"max {max(m for _, m in series):.1f} "
                f"(first sample {series[0][1]:.1f}); "
                f"slope {slope_per_10_min(steady):+.2f} MB/10 min over {len(steady)} samples"
            )
        return 1 if errors or not same else 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
