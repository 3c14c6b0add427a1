"""wangge report bulletin|half|annual --period 2021-Q4|2021-H2|2021 --area 340827200
--format html|docx|pdf OUT [--user U]"""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from wangge.core.periods import PeriodError, parse_past_period
from wangge.imports.management.commands._registry import actor_for
from wangge.reports.documents import write_report
from wangge.reports.models import ReportKind
from wangge.reports.selectors import bulletin, bulletin_area, check_period
from wangge.reports.services import bulletin_generated


class Command(BaseCommand):
    help = (
        "Generate the quarterly bulletin (季度通报), half-year evaluation or annual report of a "
        "township or village for a period, from the record, as a printable HTML page, a Word "
        "document or a PDF. Without --user it runs as the system with full scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", choices=ReportKind.values)
        parser.add_argument("out", help="the file to write")
        parser.add_argument("--period", required=True, help="2021-Q4, 2021-H2, 2021 or 2021-10")
        parser.add_argument("--area", required=True, help="the township's or village's code")
        parser.add_argument("--format", choices=["html", "docx", "pdf"], default="html")
        parser.add_argument("--user", help="act as this user (default: the system, full scope)")

    def handle(self, *args, report, out, period, area, format, user, **options):
        actor = actor_for(user)
        try:
            chosen = check_period(report, parse_past_period(period))
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from exc
        try:
            where = bulletin_area(actor, area)
        except Http404 as exc:
            raise CommandError(
                f"--area: {area} is not a township or village {user or 'the system'} reports on."
            ) from exc
        with translation.override("zh-hans"):
            made = bulletin(actor, where, chosen, kind=report)
            write_report(made, format, out)
        bulletin_generated(actor=actor, bulletin=made, fmt=format)
        self.stdout.write(f"{made.title} written to {out}.")
