"""The request rates' per-row tests, stored on the timeline rows they test (``core.summaries``).

The response rate and escalation share test each ``created`` row against the request's other
rows (an ``accepted`` row by the accept-by limit; an ``escalated`` row), the resolution rate
each ``rated`` row (no later ``rated`` row: the rating that stands). At county scale those
tests are most of the dashboard's time, so the answers are columns on ``AppealEvent``
(``accepted_in_time``, ``escalated``, ``standing``), recomputed for a request by the database
whenever a row of its timeline is inserted, deleted or moved — by whatever writes it. The
definitions are the ones ``docs/metrics.md`` gives; ``metrics.py`` only reads the columns.
"""

from wangge.appeals.models import EventKind
from wangge.core.summaries import Source, Summary

TABLE = "appeals_appealevent"


def _kind(kind: EventKind) -> str:
    return f"'{kind.value}'"


def _statements(vendor: str) -> list[str]:
    row = TABLE  # the row being refreshed, as the correlated subqueries name it
    other = f"SELECT 1 FROM {TABLE} e WHERE e.appeal_id = {row}.appeal_id"
    return [
        f"UPDATE {TABLE} SET "
        f"accepted_in_time = EXISTS({other} AND e.kind = {_kind(EventKind.ACCEPTED)} "
        f'AND e."at" <= {row}.due_at), '
        f"escalated = EXISTS({other} AND e.kind = {_kind(EventKind.ESCALATED)}) "
        f"WHERE kind = {_kind(EventKind.CREATED)} AND appeal_id IN ({{keys}})",
        # Later: a later time, or the same time and a higher id (a rating, the reopening and
        # the escalation it causes are written in the same instant).
        f"UPDATE {TABLE} SET "
        f"standing = NOT EXISTS({other} AND e.kind = {_kind(EventKind.RATED)} "
        f'AND (e."at" > {row}."at" OR (e."at" = {row}."at" AND e.id > {row}.id))) '
        f"WHERE kind = {_kind(EventKind.RATED)} AND appeal_id IN ({{keys}})",
    ]


RATES = Summary(
    name="appeal_rates",
    refresh=_statements,
    # Two events of one request written at once: the second refresh waits for the first.
    lock="appeals_appeal WHERE id IN ({keys}) ORDER BY id",
    sources=[
        # The refresh writes only the three stored columns, none of them watched here, so it
        # does not fire itself.
        Source(
            table=TABLE,
            keys="SELECT appeal_id FROM {rows}",
            columns=("appeal_id",),
            update_of=("appeal_id", "kind", "at", "due_at"),
        )
    ],
)
