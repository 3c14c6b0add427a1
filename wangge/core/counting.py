"""Many counts in one statement: a dashboard's figures without a round trip each.

A page of figures spends more on statements (each compiled by the ORM and sent to the database)
than on the counting itself; ``counts`` sends one.
"""

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

UNBOUNDED = 2**62


@dataclass(frozen=True)
class Tally:
    """The rows of a queryset counted: all of them (``"total"``) and those meeting each named
    condition (the same numbers as ``aggregate(name=Count("pk", filter=condition))``)."""

    queryset: QuerySet
    where: dict[str, Q] = field(default_factory=dict)
    # A LIMIT larger than any table around the rows: PostgreSQL then plans them as a query of
    # their own (computing each row's EXISTS tests once, per row) instead of flattening them
    # into the whole statement.
    fence: bool = False


def counts(parts: dict[str, QuerySet | Tally]) -> dict:
    """Count every part in one statement: a queryset gives ``qs.count()``, a ``Tally`` a dict
    of its counts (``"total"`` and one per condition).

    ``SELECT * FROM (SELECT COUNT(*), SUM(CASE WHEN … THEN 1 ELSE 0 END), … FROM (…) r0) p0,
    (…) p1, …``: each part's rows are the ORM's own SQL for the queryset (joins, subqueries and
    all) and each condition is a boolean column of it, so the numbers are those of the ORM, on
    SQLite and PostgreSQL alike (an aggregate without GROUP BY is always one row, so the parts
    join as one row). A queryset that can match nothing (``none()``, an empty ``__in``) counts
    0 without a part. All parts must use the same database.
    """
    out: dict = {}
    selects, params, layout = [], [], []
    database = None
    for name, part in parts.items():
        tally = part if isinstance(part, Tally) else Tally(part)
        keys = ["total", *tally.where]
        out[name] = dict.fromkeys(keys, 0) if isinstance(part, Tally) else 0
        database = database or tally.queryset.db
        conditions = {
            f"tally_{j}": ExpressionWrapper(q, output_field=BooleanField())
            for j, q in enumerate(tally.where.values())
        }
        rows = tally.queryset.order_by().annotate(**conditions).values_list(*conditions or ["pk"])
        if tally.fence:
            rows = rows[:UNBOUNDED]
        try:
            sql, args = rows.query.sql_with_params()
        except EmptyResultSet:
            continue
        connection = connections[database]
        i = len(selects)
        sums = [
            f"SUM(CASE WHEN r{i}.{connection.ops.quote_name(alias)} THEN 1 ELSE 0 END)"
            for alias in conditions
        ]
        selects.append(f"(SELECT {', '.join(['COUNT(*)', *sums])} FROM ({sql}) r{i}) p{i}")
        params.extend(args)
        layout.append((name, keys))
    if not selects:
        return out
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT * FROM " + ", ".join(selects), params)
        row = iter(cursor.fetchone())
    for name, keys in layout:
        values = {key: next(row) or 0 for key in keys}
        out[name] = values if isinstance(out[name], dict) else values["total"]
    return out
