"""The seeded rules' descriptions were English; give them in Chinese where nobody edited them."""

from django.db import migrations

ENGLISH_TO_CHINESE = {
    "Self-paid medical costs over 50,000 yuan in the last 12 months.": (
        "近12个月医保结算个人自付费用合计超过5万元。"
    ),
    "On the low-income (dibao) list and the extreme hardship list.": (
        "同时在民政低保名册和特困人员名册中。"
    ),
    "A poor household (dibao, monitored or tagged hardship) with a disability of grade 1 or 2.": (
        "困难家庭（低保、防返贫监测或已标记为家庭困难户）中有一级或二级残疾人。"
    ),
}


def to_chinese(apps, schema_editor):
    Rule = apps.get_model("flags", "Rule")
    for english, chinese in ENGLISH_TO_CHINESE.items():
        Rule.objects.filter(description=english).update(description=chinese)


def to_english(apps, schema_editor):
    Rule = apps.get_model("flags", "Rule")
    for english, chinese in ENGLISH_TO_CHINESE.items():
        Rule.objects.filter(description=chinese).update(description=english)


class Migration(migrations.Migration):
    dependencies = [("flags", "0002_seed_agency_sources")]

    operations = [migrations.RunPython(to_chinese, to_english)]
