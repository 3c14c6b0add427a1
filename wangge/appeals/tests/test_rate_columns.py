"""The stored rate columns of the timeline (``appeals/summary.py``) always equal the per-row tests
they replace, whatever writes the timeline: the services, a bulk load, a delete, an update."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from wangge import testing
from wangge.appeals.models import AppealEvent, Channel, EventKind, Rating
from wangge.appeals.services import (
    appeal_accept,
    appeal_create,
    appeal_escalate,
    appeal_rate,
    appeal_resolve,
    appeals_escalate_overdue,
)
from wangge.appeals.summary import RATES
from wangge.core import summaries

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(month, day, hour, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now()`` at whatever ``clock[0]`` says (the services stamp each row with it)."""
    now = [_at(11, 2, 9)]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    return now


def _old_definitions():
    """The per-row tests the rates made before the columns (as metrics.py had them)."""
    same = {"appeal": OuterRef("appeal")}
    return AppealEvent.objects.annotate(
        old_in_time=Exists(
            AppealEvent.objects.filter(**same, kind=EventKind.ACCEPTED, at__lte=OuterRef("due_at"))
        ),
        old_escalated=Exists(AppealEvent.objects.filter(**same, kind=EventKind.ESCALATED)),
        old_standing=~Exists(
            AppealEvent.objects.filter(**same, kind=EventKind.RATED).filter(
                Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
            )
        ),
    )


def _stored():
    """``{event id: (kind, accepted_in_time, escalated, standing)}`` as the database has it."""
    return {
        pk: (kind, bool(a), bool(e), bool(s))
        for pk, kind, a, e, s in AppealEvent.objects.values_list(
            "pk", "kind", "accepted_in_time", "escalated", "standing"
        )
    }


def _expected():
    out = {}
    for row in _old_definitions():
        created, rated = row.kind == EventKind.CREATED, row.kind == EventKind.RATED
        out[row.pk] = (
            row.kind,
            created and row.old_in_time,
            created and row.old_escalated,
            rated and row.old_standing,
        )
    return out


def check() -> dict:
    """Every timeline row's stored columns equal the old definitions; the rows, for asserts."""
    stored = _stored()
    assert stored == _expected()
    return stored


def _created(appeal) -> tuple:
    row = AppealEvent.objects.get(appeal=appeal, kind=EventKind.CREATED)
    return (row.accepted_in_time, row.escalated)


def _standing(appeal) -> list[bool]:
    rows = AppealEvent.objects.filter(appeal=appeal, kind=EventKind.RATED).order_by("at", "id")
    return [row.standing for row in rows]


def _new(world, clock, when, **kw):
    clock[0] = _at(*when)
    kw.setdefault("actor", world.users[4])
    kw.setdefault("household", world.household)
    return appeal_create(
        category=world.categories["water"], text="自来水停了", channel=Channel.MEMBER, **kw
    )


def _then(clock, when, func, **kw):
    clock[0] = _at(*when)
    result = func(**kw)
    check()
    return result


def test_accepted_in_time_or_late(world, clock):
    """GIVEN two requests (water: accept within 24 working hours) WHEN one is accepted within
    the limit and the other after it THEN only the first one's created row is in time."""
    u = world.users
    soon = _new(world, clock, (11, 2, 9))
    late = _new(world, clock, (11, 3, 9))
    assert check() and _created(soon) == (False, False) and _created(late) == (False, False)
    _then(clock, (11, 2, 10), appeal_accept, actor=u[4], appeal=soon)
    _then(clock, (11, 5, 9), appeal_accept, actor=u[4], appeal=late)
    assert _created(soon) == (True, False) and _created(late) == (False, False)


def test_escalated_by_hand_and_when_overdue(world, clock):
    """GIVEN two requests WHEN one is escalated by hand and the other passes its accept-by
    limit (the escalation job) THEN both created rows say escalated; acceptance afterwards by
    the next level is late for the second."""
    u = world.users
    by_hand = _new(world, clock, (11, 2, 9))
    overdue = _new(world, clock, (11, 2, 9, 30))
    _then(clock, (11, 2, 10), appeal_escalate, actor=u[4], appeal=by_hand, reason="需要协调")
    assert _created(by_hand) == (False, True) and _created(overdue) == (False, False)
    clock[0] = _at(11, 4, 9)
    assert appeals_escalate_overdue(now=clock[0]) >= 1
    check()
    assert _created(overdue) == (False, True)
    overdue.refresh_from_db()
    _then(clock, (11, 4, 10), appeal_accept, actor=u[3], appeal=overdue)
    assert _created(overdue) == (False, True)


def test_rated_twice_only_the_last_stands(world, clock):
    """GIVEN a resolved request WHEN the resident is unsatisfied (reopened and escalated), it is
    resolved again and rated again THEN the first rating stops standing and the second stands;
    the created row turns escalated."""
    u = world.users
    appeal = _new(world, clock, (11, 2, 9))
    _then(clock, (11, 2, 10), appeal_accept, actor=u[4], appeal=appeal)
    _then(clock, (11, 3, 9), appeal_resolve, actor=u[4], appeal=appeal, note="修好")
    appeal = _then(
        clock, (11, 3, 12), appeal_rate, actor=None, appeal=appeal, rating=Rating.UNSATISFIED
    )
    assert _standing(appeal) == [True] and _created(appeal) == (True, True)
    _then(clock, (11, 5, 9), appeal_resolve, actor=u[3], appeal=appeal, note="再修")
    _then(clock, (11, 6, 9), appeal_rate, actor=None, appeal=appeal, rating=Rating.SATISFIED)
    assert _standing(appeal) == [False, True]


def test_ratings_in_the_same_instant_the_higher_id_stands(world, clock):
    """GIVEN a request whose whole story is written in one instant WHEN it is rated, reopened
    and rated again at the same time THEN the later row (higher id) is the one that stands."""
    u = world.users
    appeal = _new(world, clock, (11, 2, 9))
    for step, kw in [
        (appeal_accept, {"actor": u[4]}),
        (appeal_resolve, {"actor": u[4], "note": "修好"}),
        (appeal_rate, {"actor": None, "rating": Rating.UNSATISFIED}),
        (appeal_resolve, {"actor": u[3], "note": "再修"}),
        (appeal_rate, {"actor": None, "rating": Rating.BASICALLY}),
    ]:
        appeal = _then(clock, (11, 2, 9), step, appeal=appeal, **kw)
    assert len({e.at for e in AppealEvent.objects.filter(appeal=appeal)}) == 1
    assert _standing(appeal) == [False, True] and _created(appeal) == (True, True)


def _row(appeal, kind, at, **fields):
    return AppealEvent(
        appeal=appeal,
        kind=kind,
        at=at,
        area_code=appeal.area_code,
        township_code=appeal.township_code,
        **fields,
    )


def test_bulk_create_of_events(world, clock):
    """GIVEN two requests WHEN accepted, escalated and rated rows (two ratings at the same
    instant) are bulk-inserted for both in one statement, as a loader does THEN every row's
    columns are right, including the created rows written before."""
    first = _new(world, clock, (11, 2, 9))
    second = _new(world, clock, (11, 3, 9))
    tie = _at(11, 7, 9)
    AppealEvent.objects.bulk_create(
        [
            _row(first, EventKind.ACCEPTED, _at(11, 2, 10)),
            _row(second, EventKind.ACCEPTED, _at(11, 6, 9)),
            _row(second, EventKind.ESCALATED, _at(11, 4, 9)),
            _row(first, EventKind.RATED, tie, rating=Rating.UNSATISFIED),
            _row(first, EventKind.RATED, tie, rating=Rating.SATISFIED),
            _row(second, EventKind.RATED, _at(11, 8, 9), rating=Rating.SATISFIED),
            _row(second, EventKind.RATED, _at(11, 7, 9), rating=Rating.UNSATISFIED),
        ]
    )
    check()
    assert _created(first) == (True, False) and _created(second) == (False, True)
    assert _standing(first) == [False, True] and _standing(second) == [False, True]


def test_deletes_and_moved_rows(world, clock):
    """GIVEN two rated requests WHEN one request is deleted (its timeline with it), a rating and
    an acceptance row of the other are deleted, and a rating is moved in time THEN the rows left
    are right after each step."""
    u = world.users
    kept, dropped = _new(world, clock, (11, 2, 9)), _new(world, clock, (11, 2, 9, 30))
    for appeal in (kept, dropped):
        _then(clock, (11, 2, 10), appeal_accept, actor=u[4], appeal=appeal)
        _then(clock, (11, 3, 9), appeal_resolve, actor=u[4], appeal=appeal, note="修好")
        _then(clock, (11, 3, 12), appeal_rate, actor=None, appeal=appeal, rating=Rating.BASICALLY)
    AppealEvent.objects.bulk_create(
        [_row(kept, EventKind.RATED, _at(11, 4, 12), rating=Rating.SATISFIED)]
    )
    assert _standing(kept) == [False, True]

    dropped.delete()
    rows = check()
    assert rows and not AppealEvent.objects.filter(appeal_id=dropped.pk).exists()

    AppealEvent.objects.filter(appeal=kept, kind=EventKind.RATED, at=_at(11, 4, 12)).delete()
    check()
    assert _standing(kept) == [True]

    # Rows are never edited by the app; a fix by hand (a moved time) still keeps them right.
    AppealEvent.objects.bulk_create(
        [_row(kept, EventKind.RATED, _at(11, 4, 12), rating=Rating.SATISFIED)]
    )
    AppealEvent.objects.filter(appeal=kept, kind=EventKind.RATED, at=_at(11, 4, 12)).update(
        at=_at(11, 3, 11)
    )
    check()
    assert _standing(kept) == [False, True]

    AppealEvent.objects.filter(appeal=kept, kind=EventKind.ACCEPTED).delete()
    check()
    assert _created(kept) == (False, False)


def test_refresh_restores_wiped_columns(world, clock):
    """GIVEN timelines whose stored columns were reset to their default, as when the columns
    were added (the triggers do not watch them) WHEN the summary is refreshed for every
    request, as the migration's backfill does THEN they equal the old definitions again."""
    u = world.users
    appeal = _new(world, clock, (11, 2, 9))
    _then(clock, (11, 2, 10), appeal_accept, actor=u[4], appeal=appeal)
    _then(clock, (11, 3, 9), appeal_resolve, actor=u[4], appeal=appeal, note="修好")
    _then(clock, (11, 3, 12), appeal_rate, actor=None, appeal=appeal, rating=Rating.UNSATISFIED)
    _new(world, clock, (11, 4, 9))
    right = check()
    assert any(a or e or s for _kind, a, e, s in right.values())

    AppealEvent.objects.update(accepted_in_time=False, escalated=False, standing=False)
    assert _stored() != right
    summaries.refresh(connection, RATES, "SELECT id FROM appeals_appeal")
    assert check() == right


@pytest.mark.django_db
def test_the_triggers_are_installed():
    """The migrations leave the summary's triggers on the timeline table (on SQLite, a later
    migration that rebuilds the table would drop them silently)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["appeals_appealevent"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'appeals_appealevent'::regclass "
                "AND NOT tgisinternal"
            )
        names = {name for (name,) in cursor.fetchall()}
    assert {n for n in names if n.startswith("summary_appeal_rates_")} == {
        f"summary_appeal_rates_appeals_appealevent_{what}" for what in ("ins", "del", "upd")
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_rows_already_there(regions):
    """GIVEN a request accepted in time and rated twice, stored before the columns existed,
    WHEN the migration adding them runs THEN its rows are filled in (and rows written
    afterwards are kept by the triggers)."""
    before = [("appeals", "0003_dashboard_count_indexes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    category = old.get_model("appeals", "Category").objects.create(
        township_id=testing.TOWNSHIP, slug="water", name="供水"
    )
    appeal = old.get_model("appeals", "Appeal").objects.create(
        ticket="261102-ABCDE",
        category=category,
        text="水管漏水",
        contact_name="汪一",
        channel=Channel.MEMBER,
        accept_due_at=_at(11, 3, 9),
        resolve_due_at=_at(11, 9, 9),
        created_at=_at(11, 2, 9),
        area_id=testing.VILLAGE_A,
        area_code=testing.VILLAGE_A,
        township_code=testing.TOWNSHIP,
    )
    steps = [
        (EventKind.CREATED, _at(11, 2, 9), _at(11, 3, 9)),
        (EventKind.ACCEPTED, _at(11, 2, 10), None),
        (EventKind.RATED, _at(11, 3, 9), None),
        (EventKind.RATED, _at(11, 4, 9), None),
    ]
    for kind, at, due in steps:
        old.get_model("appeals", "AppealEvent").objects.create(
            appeal=appeal,
            kind=kind,
            at=at,
            due_at=due,
            area_code=testing.VILLAGE_A,
            township_code=testing.TOWNSHIP,
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _created(appeal.pk) == (True, False) and _standing(appeal.pk) == [False, True]
    check()
    AppealEvent.objects.bulk_create(
        [_row(AppealEvent.objects.first().appeal, EventKind.ESCALATED, _at(11, 5, 9))]
    )
    assert _created(appeal.pk) == (True, True)


@pytest.mark.django_db(transaction=True)
def test_migrating_back_before_the_columns_and_forward_again(world, clock):
    """GIVEN an accepted request WHEN the operator migrates back before the rate columns (a
    release rolled back) and forward again THEN both migrates run (the summary is not put back
    while its migration is unapplied) and the columns are right again, and kept."""
    u = world.users
    appeal = _new(world, clock, (11, 2, 9))
    _then(clock, (11, 2, 10), appeal_accept, actor=u[4], appeal=appeal)
    try:
        call_command("migrate", "appeals", "0003_dashboard_count_indexes", stdout=io.StringIO())
    finally:
        call_command("migrate", stdout=io.StringIO())
    assert _created(appeal) == (True, False)
    _then(clock, (11, 2, 11), appeal_escalate, actor=u[4], appeal=appeal, reason="转办")
    assert _created(appeal) == (True, True)
    assert summaries.ensure(connection) == []
