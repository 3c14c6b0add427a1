"""The database triggers that keep audit events append-only (created by migration 0003)."""

SQLITE_UP = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    WHEN OLD."at" > datetime('now', '-183 days')
    BEGIN SELECT RAISE(ABORT, 'audit events are kept 183 days: DELETE refused'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'audit events are append-only: UPDATE refused';
        END IF;
        IF OLD."at" > now() - interval '183 days' THEN
            RAISE EXCEPTION 'audit events are kept 183 days: DELETE refused';
        END IF;
        RETURN OLD;
    END $$""",
    """CREATE TRIGGER audit_event_guard BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_guard()",
]
STATEMENTS = {"sqlite": (SQLITE_UP, SQLITE_DOWN), "postgresql": (POSTGRES_UP, POSTGRES_DOWN)}


def _run(connection, index: int) -> None:
    pair = STATEMENTS.get(connection.vendor)
    with connection.cursor() as cursor:
        for sql in pair[index] if pair else []:
            cursor.execute(sql)


def create_triggers(connection) -> None:
    _run(connection, 0)


def drop_triggers(connection) -> None:
    _run(connection, 1)
