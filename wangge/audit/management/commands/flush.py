"""Django's ``flush``, which empties every table, audit events included.

On SQLite the append-only triggers would refuse the ``DELETE FROM`` flush issues, so they are
lifted for the flush and put back after (PostgreSQL flushes with TRUNCATE, which row triggers do
not see). Emptying the whole database is what the demo reset and the test suite ask for; a
production database is never flushed.

SQLite answers "database table is locked" at once, without waiting, while another connection
to a shared in-memory database still reads (a browser test's live server finishing a request
the page sent as it closed): the flush is rolled back then, so it is tried again for a few
seconds instead of leaving the next test the data of this one.
"""

import time

from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import OperationalError, connections

from wangge.audit import triggers

ATTEMPTS = 50
PAUSE_SECONDS = 0.1


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        for attempt in range(ATTEMPTS):
            try:
                return self._flush_sqlite(connection, options)
            except (OperationalError, CommandError) as exc:
                # Django's flush reports a failed DELETE as a CommandError from it.
                if not _locked(exc) or attempt == ATTEMPTS - 1:
                    raise
                time.sleep(PAUSE_SECONDS)
        return None

    def _flush_sqlite(self, connection, options):
        triggers.drop_triggers(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.create_triggers(connection)


def _locked(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError) and "locked" in str(exc):
            return True
        exc = exc.__cause__
    return False
