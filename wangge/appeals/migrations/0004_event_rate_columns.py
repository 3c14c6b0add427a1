"""The request rates' per-row tests become columns of the timeline (``appeals/summary.py``),
kept by database triggers; existing rows are filled in once here.

After every migrate ``core.summaries.ensure`` puts the triggers back as the code defines them
(and refreshes the columns) if a later migration dropped them (on SQLite, any that rebuilds
``appeals_appealevent``) or the definition changed.
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
