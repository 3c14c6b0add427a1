"""wangge export members|households|flags|plans|attention|visits|requests|notices|turnouts|
pledges|councils|drive-tasks FILE [filters]
[--area CODE] [--period 2021-Q4] [--full --reason WHY] [--user USERNAME]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.scope import may_export
from wangge.core.periods import PeriodError, parse_past_period
from wangge.core.reveal import validate_reason
from wangge.imports.exporting import can_export_full, export_workbook
from wangge.imports.kinds import KINDS
from wangge.imports.management.commands._registry import actor_for


class Command(BaseCommand):
    help = (
        "Export a list to XLSX with the same filters as its page: members, households (these "
        "two can be edited and imported back), flags, assistance plans, the attention list, or "
        "the ledgers of visits, requests (with their timelines) and notices (reach per village). "
        "ID numbers and phones are masked unless --full is given (with --reason); every "
        "export is written to the audit log. The first column is each record's system number: "
        "edit the file and import it back. Without --user the export runs as the system with "
        "full scope."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")
        parser.add_argument("--q", default="", help="search text (name, address, phone ending)")
        parser.add_argument(
            "--area",
            "--area-code",
            dest="area_code",
            default="",
            help="only this area and the areas below (a statistical code)",
        )
        parser.add_argument(
            "--period",
            default="",
            help="ledgers: 2021, 2021-H2, 2021-Q4 or 2021-10 (visits made, requests submitted, "
            "notices sent in it)",
        )
        parser.add_argument("--tag", default="", help="households: tag slug, e.g. hardship")
        parser.add_argument("--organisation", default="", help="members: organisation id")
        parser.add_argument("--age-band", default="", help="members: lt40, 40-59, 60plus, ...")
        parser.add_argument("--mobile", choices=["0", "1"], default=None, help="members: 1 or 0")
        parser.add_argument("--status", default="", help="flags: raised, accepted, ...; plans")
        parser.add_argument("--rule", default="", help="flags: rule slug, e.g. severe_illness")
        parser.add_argument("--outcome", default="", help="plans: outcome, e.g. dibao_new")
        parser.add_argument("--grid", default="", help="attention: service grid id")
        parser.add_argument(
            "--campaign", default="", help="turnouts, pledges, drive-tasks: campaign id"
        )
        parser.add_argument("--which", default="", help="drive-tasks: open, done or unassigned")
        parser.add_argument(
            "--full",
            "--unmasked",
            dest="unmasked",
            action="store_true",
            help="write full ID numbers and phones for editing them (sensitive; audited with "
            "--reason; only the records in the areas where the user edits the registry)",
        )
        parser.add_argument("--reason", default="", help="why the full numbers are needed")
        parser.add_argument("--user", help="act as this user (default: the system, full scope)")

    def handle(self, *args, kind, file, user, unmasked, reason, **options):
        actor = actor_for(user)
        reason = reason.strip()
        if not may_export(actor):
            raise CommandError(f"{user} may not export lists: exports need an office role.")
        if unmasked and not reason:
            raise CommandError("--full needs --reason: say why the full numbers are needed.")
        if unmasked and not KINDS[kind].importable:
            raise CommandError(f"{kind} has no full-number export; its numbers stay masked.")
        if unmasked and not can_export_full(actor):
            raise CommandError(f"{user} may not export full numbers: they edit no registry.")
        if unmasked:
            try:
                reason = validate_reason(reason)
            except ValidationError as exc:
                raise CommandError(f"--reason: {' '.join(exc.messages)}") from exc
        if options["area_code"] and not options["area_code"].isdigit():
            raise CommandError("--area: give the area's statistical code, digits only.")
        if options["period"] and not KINDS[kind].by_period:
            by_period = ", ".join(sorted(k for k, v in KINDS.items() if v.by_period))
            raise CommandError(f"--period: {kind} has no period; these ledgers do: {by_period}.")
        try:
            parse_past_period(options["period"]) if options["period"] else None
        except PeriodError as exc:
            raise CommandError(f"--period: {exc}") from exc
        params = {
            "q": options["q"],
            "period": options["period"],
            "area_code": options["area_code"],
            "tag": options["tag"],
            "organisation": options["organisation"],
            "age_band": options["age_band"],
            "mobile": options["mobile"] or "",
            "status": options["status"],
            "rule": options["rule"],
            "outcome": options["outcome"],
            "grid": options["grid"],
            "campaign": options["campaign"],
            "which": options["which"],
        }
        count = export_workbook(
            KINDS[kind], file, user=actor, params=params, unmasked=unmasked, reason=reason[:200]
        )
        self.stdout.write(f"{count} {kind} written to {file}.")
