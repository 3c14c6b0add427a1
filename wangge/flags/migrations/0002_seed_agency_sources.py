from django.db import migrations

SOURCES = [
    ("medical_insurance", "医保结算"),
    ("civil_affairs_dibao", "民政低保"),
    ("civil_affairs_tekun", "民政特困"),
    ("disability", "残联"),
    ("monitoring", "防返贫监测"),
]


def seed(apps, schema_editor):
    AgencySource = apps.get_model("flags", "AgencySource")
    for kind, name in SOURCES:
        AgencySource.objects.get_or_create(kind=kind, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("flags", "0001_agency_data_rules_and_flags")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
