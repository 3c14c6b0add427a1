"""Fast inserts for imports: the model's own field preparation (so encryption, defaults and
database adaptation are the ORM's), without building a model instance and an SQL compiler per row.

``bulk_create`` spends most of its time per value in the SQL compiler; for a 100,000-row import
that is several times the cost of the insert itself. Here each field's ``get_db_prep_save`` is
called once per value and the rows go to the database with ``executemany`` (or ``COPY`` on
PostgreSQL). Call inside a transaction.
"""

from collections.abc import Callable

from django.db import connections, models, router
from django.db.models import Model
from django.utils import timezone

# Field classes (exact, not subclasses) whose database value is the Python value itself when
# that value already has the right type; everything else goes through get_db_prep_save.
_PLAIN = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
}


def insert_rows(
    model: type[Model],
    rows: list[dict],
    *,
    batch_size: int = 1000,
    after_batch: Callable[[int], None] | None = None,
) -> None:
    """Insert ``rows`` (dicts keyed by field name or attname) into ``model``'s table."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        elif f.has_default():
            default = f.get_default()
        else:
            default = None
        target = f.target_field if f.is_relation else f
        plain = _PLAIN.get(type(target))
        getters.append(
            (f.name, f.attname, f.is_relation, f.get_db_prep_save(default, connection), plain, f)
        )

    def prepare(row: dict) -> list:
        values = []
        for name, attname, relation, default, plain, f in getters:
            if name in row:
                value = row[name]
                if relation and isinstance(value, Model):
                    value = value.pk
            elif attname in row:
                value = row[attname]
            else:
                values.append(default)  # prepared once for all rows
                continue
            if value is None or (plain is not None and type(value) is plain):
                values.append(value)
            else:
                values.append(f.get_db_prep_save(value, connection))
        return values

    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        for number, start in enumerate(range(0, len(rows), batch_size), start=1):
            params = [prepare(row) for row in rows[start : start + batch_size]]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", params)
            if after_batch:
                after_batch(number)


def present_values(model: type[Model], field_name: str, values: list[str]) -> set[str]:
    """Which of ``values`` occur in ``model.field_name`` — one indexed look-up per chunk.

    Most keys of a large import are new; asking the index in plain SQL first keeps the ORM
    (and decryption) for the few records that do exist."""
    connection = connections[router.db_for_read(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    found: set[str] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(values), 20000):
                cursor.execute(
                    f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)",
                    [values[start : start + 20000]],
                )
                found.update(row[0] for row in cursor.fetchall())
        else:
            size = 900  # under SQLite's historical limit of 999 parameters
            for start in range(0, len(values), size):
                chunk = values[start : start + size]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", chunk)
                found.update(row[0] for row in cursor.fetchall())
    return found
