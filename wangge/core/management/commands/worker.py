"""``wangge worker``: the Huey consumer alone (production runs it as its own service)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Run the background-task consumer (RedisHuey when WANGGE_REDIS_URL is set).")

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help=_("Worker threads (default 2)."))

    def handle(self, *args, workers, **options):
        if not settings.REDIS_URL and settings.PRODUCTION:
            self.stderr.write(
                _(
                    "WANGGE_REDIS_URL is not set: tasks go through the local SQLite queue, which "
                    "only works when the web server runs on this machine."
                )
            )
        call_command("run_huey", workers=workers, worker_type="thread")
