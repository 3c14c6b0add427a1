"""wangge import members|households FILE [--partial] [--user USERNAME]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wangge.imports.kinds import import_kinds
from wangge.imports.management.commands._registry import actor_for
from wangge.imports.pipeline import run_import


class Command(BaseCommand):
    help = (
        "Import Party members or households from an XLSX/XLS/ODS/CSV file in the template's "
        "format. By default a file with any bad row imports nothing. Without --user the "
        "import runs as the system with full scope: rows may target any area."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(import_kinds()))
        parser.add_argument("file")
        parser.add_argument(
            "--partial", action="store_true", help="import the good rows, skip the bad ones"
        )
        parser.add_argument(
            "--user",
            help="act as this user: only areas where they may edit the registry are accepted "
            "(default: the system, with no scope restriction)",
        )

    def handle(self, *args, kind, file, partial, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        actor = actor_for(user)
        verbosity = options.get("verbosity", 1)

        def progress(done, total, phase):
            if verbosity > 1:
                self.stderr.write(f"{phase}: {done}/{total}")

        report = run_import(
            kind=import_kinds()[kind], path=path, user=actor, partial=partial, progress=progress
        )
        for error in report.errors:
            where = f"row {error.row}" if error.row is not None else "file"
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.message}")
        summary = (
            f"{report.total} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.error_rows} with errors "
            f"({report.seconds:.1f} s)."
        )
        if not report.committed:
            raise CommandError(
                f"Nothing was imported. {summary}"
                + ("" if report.file_error else " Fix the rows above, or use --partial.")
            )
        self.stdout.write(summary)
