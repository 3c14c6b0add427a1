"""Many counts in one statement: a dashboard's figures without a round trip each.

A page of figures spends more on statements (each compiled by the ORM and sent to the database)
than on the counting itself; ``counts`` sends one.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

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

    ``SELECT (SELECT COUNT(*) FROM (…) r0), (SELECT json_array(COUNT(*), SUM(r1.tally_0), …)
    FROM (…) r1), …``: each part's rows are the ORM's own SQL for the queryset (joins,
    subqueries and all) and each condition is a column of it (1 or 0), so the numbers
    are those of the ORM, on SQLite and PostgreSQL alike. Each part is a scalar subquery (a
    tally's counts one JSON array), not a table joined to the others: PostgreSQL plans a join
    of a dozen one-row tables by searching its join orders, which took longer than counting.
    A queryset that can match nothing (``none()``, an empty ``__in``) counts 0 without a part.
    All parts must use the same database.
    """
    out: dict = {}
    selects, params, layout = [], [], []
    database = None
    for name, part in parts.items():
        tally = part if isinstance(part, Tally) else Tally(part)
        out[name] = dict.fromkeys(["total", *tally.where], 0) if isinstance(part, Tally) else 0
        database = database or tally.queryset.db
        # 1 or 0 per row (a CASE of the ORM's, which also knows a condition that is never
        # true, such as an empty ``__in``).
        one = IntegerField()
        conditions = {
            f"tally_{j}": Case(When(q, then=Value(1)), default=Value(0), output_field=one)
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
        columns = ["COUNT(*)"] + [
            f"SUM(r{i}.{connection.ops.quote_name(alias)})" for alias in conditions
        ]
        if isinstance(part, Tally):
            array = "json_array" if connection.vendor == "sqlite" else "json_build_array"
            selected = f"{array}({', '.join(columns)})"
        else:
            selected = columns[0]
        selects.append(f"(SELECT {selected} FROM ({sql}) r{i})")
        params.extend(args)
        layout.append(name)
    if not selects:
        return out
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    for name, value in zip(layout, row, strict=True):
        if isinstance(out[name], dict):
            values = json.loads(value) if isinstance(value, str) else value
            out[name] = {key: n or 0 for key, n in zip(out[name], values, strict=True)}
        else:
            out[name] = value
    return out
