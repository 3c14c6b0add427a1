"""Plan steps stored as "todo" before the status was renamed read as "pending" afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_old_step_status_is_renamed(regions):
    executor = MigrationExecutor(connection)
    before = [("assistance", "0001_assistance_plans_and_steps")]
    after = [("assistance", "0002_step_status_pending")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Household = old.get_model("households", "Household")
    Plan = old.get_model("assistance", "Plan")
    PlanStep = old.get_model("assistance", "PlanStep")
    home = Household.objects.create(
        head_name="汪一",
        head_id_number="x",
        head_id_hash="h1",
        head_id_masked="m",
        address="湖滨村1号",
        area_id="340827200200",
        area_code="340827200200",
        township_code="340827200",
    )
    plan = Plan.objects.create(household=home, area_code=home.area_code, township_code="340827200")
    PlanStep.objects.create(plan=plan, title="联系救助", status="todo")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    assert list(
        new.get_model("assistance", "PlanStep").objects.values_list("status", flat=True)
    ) == ["pending"]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
