"""Fast inserts for imports: the model's own field preparation (so encryption, defaults and
database adaptation are the ORM's), without building a model instance and an SQL compiler per row.

``bulk_create`` spends most of its time per value in the SQL compiler; for a 100,000-row import
that is several times the cost of the insert itself. Here each field's ``get_db_prep_save`` is
called once per value and the rows go to the database with ``executemany`` (or ``COPY`` on
PostgreSQL). Call inside a transaction.
"""

from collections.abc import Callable
from operator import itemgetter

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
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
}


def insert_rows(
    model: type[Model],
    rows: list[dict],
    *,
    batch_size: int = 1000,
    after_batch: Callable[[int], None] | None = None,
) -> None:
    """Insert ``rows`` into ``model``'s table. Every row has the same keys (field names or
    attnames); fields not given get their default (``auto_now`` fields: now)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    by_key = {}
    for f in model._meta.concrete_fields:
        if not f.primary_key:
            by_key[f.name] = by_key[f.attname] = f
    keys = [k for k in rows[0] if k in by_key]
    given = {by_key[k] for k in keys}
    converters = _converters([by_key[k] for k in keys], rows[0], keys, connection)
    default_fields, defaults = _defaults(model, given, connection, now)
    columns = [by_key[k].column for k in keys] + [f.column for f in default_fields]
    get = itemgetter(*keys)
    single = len(keys) == 1

    def prepare(row: dict) -> list:
        values = [get(row)] if single else list(get(row))
        for position, convert in converters:
            values[position] = convert(values[position])
        values.extend(defaults)
        return values

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        for number, start in enumerate(range(0, len(rows), batch_size), start=1):
            params = [prepare(row) for row in rows[start : start + batch_size]]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for values in params:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", params)
            if after_batch:
                after_batch(number)


def _pk_of(value):
    return value.pk if isinstance(value, Model) else value


def _preparer(field, connection):
    def convert(value):
        if isinstance(value, Model):
            value = value.pk
        return field.get_db_prep_save(value, connection)

    return convert


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


def _converters(fields: list, first: dict, keys: list[str], connection) -> list:
    """One converter per given column that needs one; plain values go through untouched."""
    converters = []
    for position, (f, key) in enumerate(zip(fields, keys, strict=True)):
        target = f.target_field if f.is_relation else f
        plain = _PLAIN.get(type(target))
        sample = first[key]
        if f.is_relation and isinstance(sample, Model):
            converters.append((position, _pk_of))
        elif plain is None or not (sample is None or type(sample) is plain):
            converters.append((position, _preparer(f, connection)))
    return converters


def _defaults(model: type[Model], given: set, connection, now) -> tuple[list, list]:
    """The fields not given and their database values (``auto_now`` fields: now)."""
    defaults = []
    default_fields = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        else:
            value = None
        default_fields.append(f)
        defaults.append(f.get_db_prep_save(value, connection))
    return default_fields, defaults
