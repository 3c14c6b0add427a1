"""The household summary follows every write to the record, whoever makes it.

After each write — through the services, the ORM's bulk paths, plain SQL — the summary holds
what the rules give for the record (the due dates below are the ones ``test_due`` derives by
hand), and a full refresh would change nothing (``core.summaries.stale``).
"""

import datetime
import io
import threading
import time

import pytest
from django.apps import apps as global_apps
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, migrations, models, transaction

from wangge import testing
from wangge.core import summaries
from wangge.core.summaries import stale
from wangge.grids.models import GridHousehold, GridLayer
from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
from wangge.households.models import Household, Tag
from wangge.households.services import household_tags_change
from wangge.households.tests.test_import import row as sheet_row
from wangge.imports.kinds import KINDS
from wangge.imports.pipeline import run_import
from wangge.imports.tests.sheets import HOUSEHOLD_HEADERS, write_xlsx
from wangge.pairing.models import Pairing
from wangge.pairing.services import pairing_end
from wangge.regions.models import Region
from wangge.visits.models import HouseholdSummary, Visit, VisitPolicy
from wangge.visits.selectors import due_counts
from wangge.visits.services import policy_set, visit_log
from wangge.visits.summary import HOUSEHOLDS

from .conftest import HAMLET_A, HAMLET_B, PAIRED_ON

TODAY = datetime.date(2026, 3, 1)
EVERY = "SELECT id FROM households_household"


def _row(household) -> dict:
    return HouseholdSummary.objects.filter(pk=household.pk).values(
        "area_code", "is_key", "in_service_grid", "paired_since", "last_visited_on", "due_on"
    )[0]


def _service_grid(admin):
    grid_layers_seed()
    layer = GridLayer.objects.get(slug="service")
    area = Region.objects.get(code=HAMLET_A)
    return grid_create(actor=admin, layer=layer, name="一网格", area=area, level=4)


def _exact() -> None:
    assert stale(HOUSEHOLDS, HouseholdSummary, EVERY) == []


def test_every_household_has_its_row_from_the_start(world):
    _exact()
    assert HouseholdSummary.objects.count() == Household.objects.count() == 4
    assert _row(world["hardship"]) == {
        "area_code": HAMLET_A,
        "is_key": True,
        "in_service_grid": False,
        "paired_since": PAIRED_ON,
        "last_visited_on": None,
        "due_on": PAIRED_ON,  # never visited: due from the day it was paired
    }
    assert _row(world["unpaired"])["due_on"] is None


def test_visits_tags_and_policies_move_the_due_date(world, township_admin):
    visit_log(
        actor=world["user"],
        household=world["hardship"],
        visited_on=datetime.date(2026, 2, 10),
        today=TODAY,
    )
    assert _row(world["hardship"])["due_on"] == datetime.date(2026, 3, 12)  # monthly
    world["hardship"].tags.add(world["tags"]["dispute"])  # a shorter interval wins
    assert _row(world["hardship"])["due_on"] == datetime.date(2026, 2, 24)
    _exact()
    visit_log(actor=world["user"], household=world["plain"], visited_on=datetime.date(2026, 2, 10))
    assert _row(world["plain"])["due_on"] == datetime.date(2026, 5, 11)  # the default
    default = VisitPolicy.objects.get(township_code=testing.TOWNSHIP, tag__isnull=True)
    policy_set(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        interval_days=14,
        expected_version=default.version,
    )
    assert _row(world["plain"])["due_on"] == datetime.date(2026, 2, 24)
    assert due_counts([testing.TOWNSHIP], TODAY, 7) == (2, 2, 0)
    # A visit deleted: the one before it counts again.
    Visit.objects.filter(household=world["hardship"]).delete()
    assert _row(world["hardship"])["last_visited_on"] is None
    _exact()


def test_pairings_grids_areas_and_key_tags_follow(world, township_admin):
    pairing = Pairing.objects.get(household=world["plain"])
    pairing_end(actor=township_admin, pairing=pairing, reason="moved")
    assert _row(world["plain"])["paired_since"] is None
    assert _row(world["plain"])["due_on"] is None
    grid = _service_grid(township_admin)
    GridHousehold.objects.bulk_create(
        [GridHousehold(layer=grid.layer, grid=grid, household=world["hardship"])]
    )
    assert _row(world["hardship"])["in_service_grid"] is True
    Household.objects.filter(pk=world["hardship"].pk).update(area_code=HAMLET_B)
    assert _row(world["hardship"])["area_code"] == HAMLET_B
    Tag.objects.filter(slug="hardship").update(is_key=False)
    assert _row(world["hardship"])["is_key"] is False
    _exact()


def test_bulk_and_plain_sql_writes_and_deletes(world):
    Visit.objects.bulk_create(
        [
            Visit(
                household=world["far"],
                visited_on=datetime.date(2026, 1, day),
                area=world["far"].area,
                area_code=world["far"].area_code,
                township_code=world["far"].township_code,
            )
            for day in (3, 9, 6)
        ]
    )
    assert _row(world["far"])["last_visited_on"] == datetime.date(2026, 1, 9)
    hardship = world["hardship"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pairing_pairing WHERE household_id = %s", [world["plain"].pk])
    assert _row(world["plain"])["paired_since"] is None
    _exact()
    hardship.delete()
    assert not HouseholdSummary.objects.filter(pk=hardship.pk).exists()
    _exact()


def test_a_wiped_summary_is_rebuilt_by_the_refresh(world):
    HouseholdSummary.objects.update(is_key=False, due_on=None)
    assert stale(HOUSEHOLDS, HouseholdSummary, EVERY) == sorted(
        [world["hardship"].pk, world["plain"].pk, world["unpaired"].pk]
    )


def test_a_dropped_trigger_is_put_back_and_the_summary_refreshed_after_a_migrate(world):
    """A trigger gone (dropped by hand, or with a table rebuilt on SQLite): the next migrate's
    ``ensure`` puts them back and refreshes what was written meanwhile."""
    assert all(summaries.current(connection, e.summary) for e in summaries.REGISTERED.values())
    for sql in summaries.uninstall_statements(connection, HOUSEHOLDS, "visits_visit"):
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert not summaries.current(connection, HOUSEHOLDS)
    visit_log(actor=world["user"], household=world["plain"], visited_on=datetime.date(2026, 2, 10))
    assert _row(world["plain"])["last_visited_on"] is None  # missed while the trigger was gone
    assert summaries.ensure(connection) == [HOUSEHOLDS.name]
    assert _row(world["plain"])["last_visited_on"] == datetime.date(2026, 2, 10)
    assert summaries.current(connection, HOUSEHOLDS)
    assert summaries.ensure(connection) == []
    _exact()


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_household_at_once_leave_it_exact(world):
    """A visit entered while another is being entered for the same household: the second
    writer's refresh waits for the first to commit and then counts both visits (without the
    lock it would count only its own and the older ones: the first writer's newer visit would
    be lost from the summary)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens every transaction with BEGIN IMMEDIATE: writers never overlap")
    household = world["plain"]
    first_written, second_started = threading.Event(), threading.Event()
    errors = []

    def write(day, before_commit):
        try:
            with transaction.atomic():
                visit_log(actor=world["user"], household=household, visited_on=day, today=TODAY)
                before_commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def hold():
        first_written.set()
        second_started.wait(5)
        time.sleep(0.5)  # the second writer is now waiting in its trigger

    first = threading.Thread(target=write, args=(datetime.date(2026, 2, 20), hold))
    second = threading.Thread(target=write, args=(datetime.date(2026, 2, 10), lambda: None))
    first.start()
    first_written.wait(5)
    second.start()
    second_started.set()
    first.join()
    second.join()
    assert errors == []
    assert _row(household)["last_visited_on"] == datetime.date(2026, 2, 20)
    _exact()


def test_the_operators_check_finds_and_repairs_a_summary_that_disagrees(world):
    out = io.StringIO()
    call_command("summaries", stdout=out)
    assert "household summary: exact." in out.getvalue()
    HouseholdSummary.objects.filter(pk=world["hardship"].pk).update(due_on=None)
    out = io.StringIO()
    with pytest.raises(CommandError, match="--repair"):
        call_command("summaries", stdout=out)
    assert "household summary: 1 row differs from the record." in out.getvalue()
    call_command("summaries", "--repair", stdout=io.StringIO())
    assert _row(world["hardship"])["due_on"] == PAIRED_ON
    _exact()


def _alter(model, name: str, new) -> None:
    """What ``migrate`` does around a migration altering ``model.name``: the signals before and
    after it, and the schema change between them."""
    old = model._meta.get_field(name)
    new.set_attributes_from_name(name)
    new.model = model
    plan = [(migrations.Migration("0099_altered", "households"), False)]
    emit_pre_migrate_signal(0, False, connection.alias, plan=plan, apps=global_apps)
    with connection.schema_editor() as editor:
        editor.alter_field(model, old, new)
    emit_post_migrate_signal(0, False, connection.alias, plan=plan, apps=global_apps)


@pytest.mark.django_db(transaction=True)
def test_a_migration_altering_a_column_the_summary_reads_runs_and_the_summary_follows(world):
    """GIVEN the summary's triggers WHEN a migration alters a column they read (here the
    household's township code, widened) THEN it runs — on PostgreSQL a trigger on some columns
    forbids changing their type; on SQLite the rebuilt table's rename fails on the other
    tables' triggers that name it — and visits logged afterwards still move the figures."""
    field = Household._meta.get_field("township_code")
    _alter(Household, "township_code", models.CharField(max_length=12, db_index=field.db_index))
    try:
        visit_log(
            actor=world["user"], household=world["plain"], visited_on=datetime.date(2026, 2, 20)
        )
        assert _row(world["plain"])["due_on"] == datetime.date(2026, 5, 21)
        assert due_counts([testing.TOWNSHIP], TODAY, 7) == (2, 1, 0)
        _exact()
    finally:
        _alter(Household, "township_code", models.CharField(max_length=9, db_index=True))
    assert summaries.ensure(connection) == []


@pytest.mark.django_db(transaction=True)
def test_a_visit_and_a_tag_change_of_one_household_at_once_both_go_through(world):
    """GIVEN a visit being logged for a household (its transaction not yet committed) WHEN a
    cadre changes the household's status tags meanwhile THEN both are saved, one after the
    other (the tag change locks the household's row and then its summary's; the visit's
    writer, which holds the summary's row, must not then need the household's row too)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite opens every transaction with BEGIN IMMEDIATE: writers never overlap")
    household = world["plain"]
    visit_written, tags_waiting = threading.Event(), threading.Event()
    errors = []

    def log_visit():
        try:
            with transaction.atomic():
                visit_log(
                    actor=world["user"],
                    household=household,
                    visited_on=datetime.date(2026, 2, 20),
                    today=TODAY,
                )
                visit_written.set()
                tags_waiting.wait(5)
                time.sleep(0.5)  # the tag change is now waiting for the summary's row
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def change_tags():
        try:
            visit_written.wait(5)
            tags_waiting.set()
            household_tags_change(
                actor=world["user"], household=household, add=["dispute"], reason="核实"
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=log_visit), threading.Thread(target=change_tags)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _row(household)["last_visited_on"] == datetime.date(2026, 2, 20)
    assert _row(household)["due_on"] == datetime.date(2026, 3, 6)  # the dispute tag: 14 days
    _exact()


def test_a_deleted_tag_leaves_its_households_on_the_default_interval(world):
    """GIVEN a key household visited under its tag's monthly policy WHEN the tag is deleted
    (its links and policies go first, in the cascade) THEN the household is no longer key and
    falls due on the township's default interval."""
    visit_log(
        actor=world["user"],
        household=world["hardship"],
        visited_on=datetime.date(2026, 2, 10),
        today=TODAY,
    )
    Tag.objects.get(slug="hardship").delete()
    assert _row(world["hardship"])["is_key"] is False
    assert _row(world["hardship"])["due_on"] == datetime.date(2026, 5, 11)  # 90 days
    _exact()


def test_a_deleted_service_grid_takes_its_households_out_of_it(world, township_admin):
    grid = _service_grid(township_admin)
    grid_assign_households(actor=township_admin, grid=grid, households=[world["hardship"]])
    assert _row(world["hardship"])["in_service_grid"] is True
    grid.delete()
    assert _row(world["hardship"])["in_service_grid"] is False
    _exact()


def test_a_household_moved_to_another_township_takes_that_townships_policies(world):
    """The interval is looked up by the household's township: moved where no policy is set,
    it falls back to 90 days; a policy removed or turned into the default moves it too."""
    visit_log(actor=world["user"], household=world["plain"], visited_on=datetime.date(2026, 2, 10))
    VisitPolicy.objects.filter(township_code=testing.TOWNSHIP, tag__isnull=True).delete()
    assert _row(world["plain"])["due_on"] == datetime.date(2026, 5, 11)  # the fallback
    VisitPolicy.objects.filter(tag__slug="dispute").update(tag=None)  # 14 days, the default now
    assert _row(world["plain"])["due_on"] == datetime.date(2026, 2, 24)
    Household.objects.filter(pk=world["plain"].pk).update(
        township_code="340827999", area_code="340827999001001"
    )
    assert _row(world["plain"])["due_on"] == datetime.date(2026, 5, 11)
    _exact()


def test_households_imported_from_a_sheet_get_their_rows(tags, secretary_a, tmp_path):
    """The import writes with COPY (PostgreSQL) or executemany and links the tags the same
    way: the new households are counted, the key ones as key, and a re-import that changes
    their tags changes the count."""
    path = write_xlsx(tmp_path / "h.xlsx", HOUSEHOLD_HEADERS, [sheet_row(1), sheet_row(2)])
    assert run_import(kind=KINDS["households"], path=path, user=secretary_a).created == 2
    assert HouseholdSummary.objects.filter(is_key=True).count() == 2
    changed = write_xlsx(
        tmp_path / "h2.xlsx",
        HOUSEHOLD_HEADERS,
        [sheet_row(1, **{"户类型": "低保"}), sheet_row(2)],
    )
    assert run_import(kind=KINDS["households"], path=changed, user=secretary_a).updated == 1
    assert HouseholdSummary.objects.filter(is_key=True).count() == 1
    _exact()


def test_the_trigger_of_a_source_since_removed_goes_at_the_next_migrate(world):
    """An earlier definition watched one table more; its trigger would go on refreshing with
    the old statements. The next migrate finds it by name and drops it."""
    grids = summaries.Source(
        "grids_grid",
        "SELECT household_id FROM grids_gridhousehold WHERE grid_id IN (SELECT id FROM {rows})",
        ("id",),
    )
    earlier = summaries.Summary(
        HOUSEHOLDS.name, HOUSEHOLDS.refresh, [*HOUSEHOLDS.sources, grids], lock=HOUSEHOLDS.lock
    )
    summaries.install(connection, earlier)
    assert "grids_grid" in {table for _name, table in summaries.installed(connection, HOUSEHOLDS)}
    assert not summaries.current(connection, HOUSEHOLDS)
    assert summaries.ensure(connection) == [HOUSEHOLDS.name]
    assert "grids_grid" not in {t for _n, t in summaries.installed(connection, HOUSEHOLDS)}
    assert summaries.current(connection, HOUSEHOLDS)
    _exact()
