from django.db import migrations


class Migration(migrations.Migration):
    # ImportJob moved to the imports app with its table (db_table "core_importjob"): forget the
    # model here without dropping anything.
    dependencies = [
        ("core", "0002_notifications"),
        ("imports", "0001_import_job_from_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportJob")],
            database_operations=[],
        ),
    ]
