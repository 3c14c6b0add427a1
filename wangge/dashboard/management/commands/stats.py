"""``wangge stats [--json] [--area CODE]``: counts for operators and monitoring."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wangge.dashboard.selectors import township_stats
from wangge.regions.models import Region


class Command(BaseCommand):
    help = _("Print counts of regions, organisations, members and households.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help=_("Print one JSON object."))
        parser.add_argument(
            "--area", metavar="CODE", help=_("Count only this area and the areas below it.")
        )

    def handle(self, *args, **options):
        area = (options["area"] or "").strip() or None
        if area and not Region.objects.filter(code=area).exists():
            raise CommandError(
                _("There is no area with the code %(code)s; check the code and try again.")
                % {"code": area}
            )
        stats = township_stats(area)
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False))
            return
        for key, value in stats.items():
            if isinstance(value, dict):
                self.stdout.write(f"{key}")
                for name, count in value.items():
                    self.stdout.write(f"  {name:<30}{_cell(count):>10}")
            else:
                self.stdout.write(f"{key:<32}{_cell(value):>10}")


def _cell(value) -> str:
    """A figure for the table; a rate with nothing to divide by is shown as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
