"""The request rates' per-row tests become columns of the timeline (``appeals/summary.py``),
kept by database triggers; existing rows are filled in once here.

A migrate that applies migrations runs without the summaries' triggers (``core.summaries.lift``)
and ends by putting them back as the code defines them and refreshing the columns
(``core.summaries.ensure``), so later migrations may alter the timeline's columns.
"""

from django.db import migrations, models

from wangge.appeals.summary import RATES
from wangge.core import summaries


def install(apps, schema_editor):
    connection = schema_editor.connection
    summaries.install(connection, RATES)
    summaries.refresh(connection, RATES, "SELECT id FROM appeals_appeal")


def uninstall(apps, schema_editor):
    summaries.uninstall(schema_editor.connection, RATES)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0003_dashboard_count_indexes")]

    operations = [
        migrations.AddField(
            model_name="appealevent",
            name="accepted_in_time",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name="appealevent",
            name="escalated",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddField(
            model_name="appealevent",
            name="standing",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(install, uninstall),
    ]
