"""``wangge backup FILE``: a consistent copy of the database (not of the keys)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from wangge.core.backup import KEY_NOTICE, BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to FILE (SQLite online backup, or pg_dump on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            backup(connection.settings_dict, file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up {connection.vendor} database to {file}.")
        self.stdout.write(KEY_NOTICE)
