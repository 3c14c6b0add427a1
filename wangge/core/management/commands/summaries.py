"""``wangge summaries [--repair]``: are the dashboards' summaries exact?"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wangge.core import summaries
from wangge.core.health import NOT_MIGRATED, migrations_pending


class Command(BaseCommand):
    help = _(
        "Check that the summaries the dashboards count (kept by the database with each write) "
        "agree with the record, and that their triggers are in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help=_("Put the triggers back and recompute the summaries that do not agree."),
        )

    def handle(self, *args, repair, **options):
        if migrations_pending(connection):
            raise CommandError(str(NOT_MIGRATED))
        wrong = []
        for name, entry in summaries.REGISTERED.items():
            label = entry.label or name
            current = summaries.current(connection, entry.summary)
            stale = summaries.stale_keys(connection, entry)
            if current and not stale:
                self.stdout.write(_("%(name)s: exact.") % {"name": label})
                continue
            if not current:
                self.stdout.write(_("%(name)s: triggers missing or out of date.") % {"name": label})
            if stale:
                differ = ngettext(
                    "%(name)s: %(n)d row differs from the record.",
                    "%(name)s: %(n)d rows differ from the record.",
                    len(stale),
                )
                self.stdout.write(differ % {"name": label, "n": len(stale)})
            if repair:
                summaries.repair(connection, entry)
                self.stdout.write(_("%(name)s: repaired.") % {"name": label})
            else:
                wrong.append(name)
        if wrong:
            raise CommandError(_("Run `wangge summaries --repair` to recompute them."))
