"""Django's ``flush``, which empties every table, audit events included.

On SQLite the append-only triggers would refuse the ``DELETE FROM`` flush issues, so they are
lifted for the flush and put back after (PostgreSQL flushes with TRUNCATE, which row triggers do
not see). Emptying the whole database is what the demo reset and the test suite ask for; a
production database is never flushed.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from wangge.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        triggers.drop_triggers(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.create_triggers(connection)
