"""Default request categories, copied into each township the first time it needs them.

Each township then edits its own (names, limits, urgent flag) on the categories page.
"""

from django.utils.translation import gettext_lazy as _

from wangge.appeals.models import Category

# slug, name, English name, accept within hours, resolve within working days, urgent
DEFAULTS = [
    ("water", "饮水供水", "Drinking water", 24, 5, False),
    ("roads", "道路桥梁", "Roads and bridges", 24, 5, False),
    ("subsidies", "惠民补贴", "Subsidies and benefits", 24, 5, False),
    ("disputes", "邻里纠纷", "Neighbour disputes", 24, 5, False),
    ("health", "医疗卫生", "Health care", 24, 5, False),
    ("elderly", "养老助老", "Elderly care", 24, 5, False),
    ("environment", "环境卫生", "Environment and sanitation", 24, 5, False),
    ("housing", "住房安全", "Housing safety", 24, 5, False),
    ("jobs", "就业务工", "Jobs and wages", 24, 5, False),
    ("hazard", "紧急安全隐患", "Urgent safety hazard", 2, 1, True),
    ("other", "其他", "Other", 24, 5, False),
]

HELP = _(
    "Accept within: hours of working time (Monday–Friday), or of any time for urgent "
    "categories. Resolve within: working days from submission. Public holidays are not counted "
    "separately."
)


def categories_ensure(township_code: str) -> None:
    """Create the default categories for a township that has none yet (idempotent)."""
    if Category.objects.filter(township_id=township_code).exists():
        return
    Category.objects.bulk_create(
        [
            Category(
                township_id=township_code,
                slug=slug,
                name=name,
                name_en=name_en,
                accept_hours=hours,
                resolve_working_days=days,
                urgent=urgent,
                sort=sort,
            )
            for sort, (slug, name, name_en, hours, days, urgent) in enumerate(DEFAULTS)
        ],
        ignore_conflicts=True,
    )


def categories_for(township_code: str):
    categories_ensure(township_code)
    return Category.objects.filter(township_id=township_code, active=True).order_by("sort", "slug")
