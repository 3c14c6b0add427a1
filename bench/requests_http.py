"""Residents' requests over HTTP: the public intake POST and the assignee's list GET under
gunicorn, each against a bare Django view doing one insert / one select in the same run.

Builds a throwaway database (a temporary SQLite file in WAL mode, or PostgreSQL with
``--database-url``) with a township, a four-level service grid, households, categories, a
member with an account who has 40 open requests, and a second grid whose QR code takes the
public requests. Starts gunicorn on loopback with the command line of ``wangge serve``
(``web_command`` in ``wangge/core/management/commands/serve.py``: 2 sync workers,
``--preload``, access log) and ``bench/bench_http_settings.py`` (the product settings plus two
bare views; public-form rate limits raised, challenge kept), and drives it with ``wrk``
(32 connections) from a second process:

* POST /requests/q/<key>/ — the real public form: CSRF cookie and field, a signed sum
  challenge answered correctly, a unique token (so a unique idempotency key) per request;
  baseline POST /bench/bare-insert/ (one INSERT);
* GET /requests/ — the assignee's open requests with a session cookie; baseline
  GET /bench/bare-select/ (one SELECT by primary key) with the same cookie.

Prints throughput, p50/p99 and the ratio app ÷ bare throughput. Targets: ratio ≥ 0.6,
p99 < 100 ms.

    .venv/bin/python bench/requests_http.py [--database-url postgres://postgres@127.0.0.1:5432/wangge_bench_http]
        [--duration 10] [--rounds 2] [--connections 32] [--workers 2] [--worker-class sync|gthread]
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

from _setup import ROOT, django_on, fresh_postgres

BENCH = Path(__file__).resolve().parent
LUA = BENCH / "requests_http.lua"
OPEN_REQUESTS = 40
HOUSEHOLDS = 60
BODIES = 40_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed() -> dict:
    """The township, grids, households and the assignee with open requests."""
    from django.db import connection
    from django.test import Client

    from wangge import testing
    from wangge.accounts.models import Role
    from wangge.appeals.categories import categories_for
    from wangge.appeals.models import Channel
    from wangge.appeals.posters import grid_qr_key
    from wangge.appeals.services import appeal_create
    from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
    from wangge.regions.models import Region

    testing.build_regions()
    service = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    group_a = testing.VILLAGE_A + "001001"
    group_b = testing.VILLAGE_B + "001001"
    users, members = {}, {}
    for n, (name, role, area) in enumerate(
        [
            ("leader", Role.TOWNSHIP_LEADER, testing.VILLAGE_A),
            ("secretary", Role.VILLAGE_SECRETARY, testing.VILLAGE_A),
            ("group", Role.GROUP_LEADER, testing.VILLAGE_A + "001"),
            ("member", Role.MEMBER, group_a),
            ("member-b", Role.MEMBER, group_b),
        ],
        start=1,
    ):
        members[name] = testing.make_member(area_code=area, seq=200 + n, name=f"党员{n}")
        users[name] = testing.make_user(f"bench-{name}", role, area[:12])
        users[name].member = members[name]
        users[name].save(update_fields=["member"])
    grids = {}
    parent = None
    for level, (name, area) in enumerate(
        [
            ("leader", testing.VILLAGE_A),
            ("secretary", testing.VILLAGE_A),
            ("group", testing.VILLAGE_A + "001"),
            ("member", group_a),
        ],
        start=1,
    ):
        parent = grids[level] = grid_create(
            actor=None,
            layer=service,
            name=f"L{level}",
            area=Region.objects.get(code=area),
            level=level,
            parent=parent,
            responsible=members[name],
        )
    public_grid = grid_create(
        actor=None,
        layer=service,
        name="L4-public",
        area=Region.objects.get(code=group_b),
        level=4,
        parent=None,
        responsible=members["member-b"],
    )
    households = [
        testing.make_household(area_code=group_a, seq=300 + i, head_name=f"户主{i}")
        for i in range(HOUSEHOLDS)
    ]
    grid_assign_households(actor=None, grid=grids[4], households=households)
    categories = list(categories_for(testing.TOWNSHIP))
    for i in range(OPEN_REQUESTS):
        appeal_create(
            actor=users["member"],
            household=households[i % HOUSEHOLDS],
            category=categories[i % len(categories)],
            text=f"第{i}件：路灯不亮，晚上出行不便。",
            channel=Channel.MEMBER,
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TABLE bench_bare (id bigserial PRIMARY KEY, payload text, "
                "created_at timestamptz)"
            )
        else:
            cursor.execute(
                "CREATE TABLE bench_bare (id integer PRIMARY KEY AUTOINCREMENT, payload text, "
                "created_at timestamp)"
            )
        cursor.executemany(
            "INSERT INTO bench_bare (payload, created_at) VALUES (%s, CURRENT_TIMESTAMP)",
            [(f"row {i}",) for i in range(1000)],
        )
    client = Client()
    client.force_login(users["member"])
    return {
        "session": client.cookies["sessionid"].value,
        "qr_key": grid_qr_key(public_grid),
        "category": categories[0].pk,
        "public_grid": public_grid.pk,
    }


def post_bodies(path: Path, category: int, csrf: str, count: int) -> None:
    """One urlencoded public-form body per line, each with its own signed challenge."""
    from django.core import signing

    from wangge.core.public import SALT

    issued = int(time.time()) - 60  # older than the minimum fill-in time
    with path.open("w") as out:
        for i in range(count):
            a, b = 1 + i % 9, 1 + (i // 9) % 9
            token = signing.dumps({"a": a, "b": b, "t": issued, "k": uuid.uuid4().hex}, salt=SALT)
            body = {
                "csrfmiddlewaretoken": csrf,
                "token": token,
                "website": "",
                "contact_name": "郭先生",
                "contact_phone": f"139{i:08d}",
                "address": "郭屋一组",
                "category": category,
                "text": "村口的路灯坏了，晚上看不见路。",
                "answer": str(a + b),
            }
            out.write(urlencode(body) + "\n")


def wait_up(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def wrk(url: str, *, mode: str, duration: int, connections: int, headers: list[str], args=()):
    threads = 2
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for header in headers:
        cmd += ["-H", header]
    cmd += [url, "--", mode, *[str(a) for a in args]]
    if mode == "post":
        cmd.append(str(threads))
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per worker, for gthread")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wangge-bench-http-"))
    if opts.database_url:
        url = fresh_postgres(opts.database_url)
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
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
    sys.path.insert(0, str(BENCH))
    print(f"database: {url.split('@')[-1]}; seeding…", flush=True)
    django_on(url)
    seeded = seed()
    csrf = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
    bodies = tmp / "bodies.txt"
    post_bodies(bodies, seeded["category"], csrf, BODIES)

    from wangge.appeals.models import Appeal
    from wangge.core.management.commands.serve import web_command

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp / "gunicorn.log").open("w")
    # Exactly the command line of `wangge serve` (sync workers, --preload, access log); the
    # bare views are served by the same processes. --worker-class gthread is for trying.
    gunicorn = web_command("127.0.0.1", port, opts.workers)
    if opts.worker_class == "gthread":
        gunicorn += ["--worker-class", "gthread", "--threads", str(opts.threads)]
    print("server: " + " ".join(gunicorn[1:]), flush=True)
    server = subprocess.Popen(gunicorn, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_up(f"{base}/bench/bare-select/")
        session = [f"Cookie: sessionid={seeded['session']}"]
        csrf_cookie = [f"Cookie: csrftoken={csrf}"]
        form = f"{base}/requests/q/{seeded['qr_key']}/"
        runs = [
            ("GET assignee list", f"{base}/requests/", "get", session, ()),
            ("GET bare select", f"{base}/bench/bare-select/", "get", session, ()),
            ("POST public intake", form, "post", csrf_cookie, (bodies,)),
            ("POST bare insert", f"{base}/bench/bare-insert/", "post", csrf_cookie, (bodies,)),
        ]
        # Warm-up: every worker imports templates and opens its connection.
        for _name, target, mode, headers, args in runs:
            if mode == "get":
                wrk(target, mode=mode, duration=2, connections=4, headers=headers, args=args)
        print(
            "load average (1, 5, 15 min) before the runs: {:.2f} {:.2f} {:.2f}".format(
                *os.getloadavg()
            )
        )
        before = Appeal.objects.filter(grid_id=seeded["public_grid"]).count()
        # Interleaved rounds (app, bare, app, bare…) so that load from elsewhere on the
        # machine falls on both alike; throughput sums the rounds, p99 is the worst round's.
        results = {}
        first = 0  # the first body line not yet sent, so that no form is sent twice
        for _round in range(opts.rounds):
            for name, target, mode, headers, args in runs:
                if mode == "post":
                    args = (*args, first)
                r = wrk(
                    target,
                    mode=mode,
                    duration=opts.duration,
                    connections=opts.connections,
                    headers=headers,
                    args=args,
                )
                total = results.setdefault(
                    name, {"requests": 0, "duration_us": 0, "p50": [], "p99": [], "errors": 0}
                )
                total["requests"] += r["requests"]
                total["duration_us"] += r["duration_us"]
                total["p50"].append(r["p50_us"] / 1000)
                total["p99"].append(r["p99_us"] / 1000)
                total["errors"] += r["status_errors"] + r["socket_errors"]
                if mode == "post":
                    first += r["requests"] + 2 * opts.connections  # and those in flight
        print(
            "load average (1, 5, 15 min) after the runs: {:.2f} {:.2f} {:.2f}".format(
                *os.getloadavg()
            )
        )
        for name, r in results.items():
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
            r["p99_ms"] = max(r["p99"])
            print(
                f"{name:20s} {r['rps']:8.1f} req/s  p50 {statistics.median(r['p50']):7.1f} ms  "
                f"p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}",
                flush=True,
            )
        stored = Appeal.objects.filter(grid_id=seeded["public_grid"]).count() - before
        posted = results["POST public intake"]["requests"]
        print(f"public requests stored: {stored} of {posted} posted (bodies: {BODIES})")
        if first > BODIES:
            print("note: bodies were reused, the repeats returned the stored request")
        for app, bare in (
            ("GET assignee list", "GET bare select"),
            ("POST public intake", "POST bare insert"),
        ):
            ratio = results[app]["rps"] / results[bare]["rps"]
            p99 = results[app]["p99_ms"]
            print(
                f"ratio {app} ÷ {bare}: {ratio:.2f} (target ≥ 0.6); app p99 {p99:.1f} ms "
                f"(target < 100 ms)"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
