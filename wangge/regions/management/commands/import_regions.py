"""``wangge import-regions FILE``: load administrative divisions from a CSV file."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.regions.importing import RegionImportError, regions_import
from wangge.regions.models import Level


class Command(BaseCommand):
    help = _(
        "Import administrative divisions from a CSV file (UTF-8, rows in any order) with the "
        "columns code,name,level,parent_code and an optional fifth column area_km2, the land "
        "area in km² (an empty cell keeps the area as it is). Re-importing is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Path of the CSV file."))

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            result = regions_import(path=options["file"])
        except RegionImportError as exc:
            for line in exc.messages():
                self.stderr.write(line)
            raise CommandError(
                _("Nothing was imported: fix the rows above and try again.")
            ) from exc
        elapsed = time.perf_counter() - started

        labels = dict(Level.choices)
        header = (_("Level"), _("Created"), _("Updated"), _("Unchanged"))
        lines = [header]
        for level, created, updated, unchanged in result.by_level():
            lines.append((str(labels.get(level, level)), created, updated, unchanged))
        lines.append(
            (
                _("Total"),
                sum(result.created.values()),
                sum(result.updated.values()),
                sum(result.unchanged.values()),
            )
        )
        for label, *numbers in lines:
            self.stdout.write(f"{label:<16}" + "".join(f"{n!s:>12}" for n in numbers))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(rows)s rows in %(seconds).1f s: "
                    "%(created)s created, %(updated)s updated."
                )
                % {
                    "rows": result.rows,
                    "seconds": elapsed,
                    "created": sum(result.created.values()),
                    "updated": sum(result.updated.values()),
                }
            )
        )
