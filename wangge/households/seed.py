"""The report's household tags, created idempotently (demo, tests and fresh installs)."""

from wangge.households.models import Tag, TagKind

# slug, Chinese name, English name, kind, sensitive, key
REPORT_TAGS = [
    ("hardship", "家庭困难户", "Hardship", TagKind.TYPE, False, True),
    ("dispute", "矛盾信访户", "Dispute / petition", TagKind.TYPE, False, True),
    ("family_planning", "计生重点户", "Family-planning focus", TagKind.TYPE, False, True),
    ("difficult_case", "工作难点户", "Difficult case", TagKind.TYPE, False, True),
    ("migrant", "外出务工户", "Migrant workers", TagKind.TYPE, False, True),
    ("economic", "经济发展户", "Economic development", TagKind.TYPE, False, True),
    ("low_income", "低保", "Low-income (dibao)", TagKind.STATUS, True, False),
    ("extreme_hardship", "特困", "Extreme hardship", TagKind.STATUS, True, False),
    ("severe_illness", "大病", "Severe illness", TagKind.STATUS, True, False),
    ("severe_disability", "重残", "Severe disability", TagKind.STATUS, True, False),
    ("monitored", "监测户", "Monitored household", TagKind.STATUS, True, False),
    ("left_behind_elderly", "留守老人", "Left-behind elderly", TagKind.STATUS, False, False),
    ("left_behind_children", "留守儿童", "Left-behind children", TagKind.STATUS, False, False),
]


def seed_tags() -> list[Tag]:
    tags = []
    for sort, (slug, name, name_en, kind, sensitive, key) in enumerate(REPORT_TAGS):
        tag, _created = Tag.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "sensitive": sensitive,
                "is_key": key,
                "sort": sort,
            },
        )
        tags.append(tag)
    return tags
