"""``wangge serve``: the web server and the Huey consumer side by side, stopped together."""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from wangge.core.health import NOT_MIGRATED, migrations_pending


def _manage(*args: str) -> list[str]:
    """A command line running one of our management commands in a fresh interpreter."""
    return [sys.executable, "-m", "wangge", *args]


def _gunicorn_has(setting: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS  # gunicorn imports fcntl: POSIX only

    return any(s.name == setting for s in KNOWN_SETTINGS)


def web_command(host: str, port: int, workers: int) -> list[str]:
    """The web server's command line; ``bench/requests_http.py`` measures this same one.

    gunicorn with sync workers (measured: threads do not help, the pages are CPU-bound and
    SQLite writers queue on one lock), the application loaded once before the workers fork
    (``--preload``), an access log line per request on standard output.
    """
    if importlib.util.find_spec("gunicorn") is not None and os.name == "posix":
        # gunicorn ≥ 24 opens a control socket at one fixed path per user; two servers on
        # one machine (a demo and a test run) would fight over it, and we do not use it.
        control = ["--no-control-socket"] if _gunicorn_has("control_socket_disable") else []
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "wangge.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--preload",
            "--access-logfile",
            "-",
            *control,
        ]
    # runserver's autoreloader would start a second copy of everything: --noreload.
    return _manage("runserver", f"{host}:{port}", "--noreload")


class Command(BaseCommand):
    help = _("Serve the site and run the background-task consumer beside it (Ctrl-C stops both).")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help=_("Address to listen on."))
        parser.add_argument("--port", type=int, default=8000, help=_("Port to listen on."))
        parser.add_argument(
            "--workers", type=int, default=2, help=_("Web worker processes (gunicorn).")
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_(
                "Do not start the task consumer (when `wangge worker` runs as its own service)."
            ),
        )

    def handle(self, *args, host, port, workers, no_worker, **options):
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        self._warn_unapplied_migrations()
        # WhiteNoise serves STATIC_ROOT unless it may use the finders (outside production):
        # then collect first, or static files are missing once DEBUG is off.
        if not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        children: list[tuple[str, subprocess.Popen]] = []

        def stop(signum, frame):
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            if not no_worker:
                children.append(("worker", subprocess.Popen(_manage("run_huey"), env=env)))
            children.append(("web", subprocess.Popen(web_command(host, port, workers), env=env)))
            self.stdout.write(
                _("Serving http://%(host)s:%(port)s/ — press Ctrl-C to stop.")
                % {"host": host, "port": port}
            )
            while True:
                for name, child in children:
                    code = child.poll()
                    if code is not None:
                        raise CommandError(
                            _("The %(name)s process stopped (exit code %(code)s); stopping.")
                            % {"name": name, "code": code}
                        )
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write(_("Stopping."))
        finally:
            signal.signal(signal.SIGTERM, previous)
            _stop_all([child for _name, child in children])

    def _warn_unapplied_migrations(self) -> None:
        if migrations_pending(connection):
            self.stderr.write(str(NOT_MIGRATED))
        connection.close()


def _stop_all(children: list[subprocess.Popen], timeout: float = 10) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
