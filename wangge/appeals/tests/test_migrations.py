"""A request stored before the model was renamed to ``Appeal`` is still there afterwards,
with its timeline."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from wangge import testing

AT = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_request_survives_the_rename_to_appeal(regions):
    """GIVEN a request with a timeline row under the old names, WHEN the rename migration
    runs, THEN the same appeal and its row are read through the new models."""
    executor = MigrationExecutor(connection)
    before = [("appeals", "0001_requests_and_timeline")]
    after = [("appeals", "0002_rename_request_appeal")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    category = old.get_model("appeals", "Category").objects.create(
        township_id=testing.TOWNSHIP, slug="water", name="供水"
    )
    request = old.get_model("appeals", "Request").objects.create(
        ticket="261102-ABCDE",
        category=category,
        text="水管漏水",
        contact_name="汪一",
        channel="member",
        accept_due_at=AT,
        resolve_due_at=AT,
        created_at=AT,
        area_id=testing.VILLAGE_A,
        area_code=testing.VILLAGE_A,
        township_code=testing.TOWNSHIP,
    )
    old.get_model("appeals", "RequestEvent").objects.create(
        request=request,
        kind="created",
        to_state="submitted",
        at=AT,
        area_code=testing.VILLAGE_A,
        township_code=testing.TOWNSHIP,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    appeal = new.get_model("appeals", "Appeal").objects.get()
    assert (appeal.pk, appeal.ticket, appeal.text) == (request.pk, "261102-ABCDE", "水管漏水")
    event = new.get_model("appeals", "AppealEvent").objects.get()
    assert (event.appeal_id, event.kind) == (appeal.pk, "created")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
