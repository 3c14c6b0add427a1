"""Database triggers that refuse to change audit events, and to delete any younger than six
months (183 days, the legal minimum; ``wangge audit purge`` removes older ones)."""

from django.db import migrations

from wangge.audit import triggers


def create_triggers(apps, schema_editor):
    triggers.create_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    triggers.drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_rechain_with_key")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
