"""Environment inspections in 2021: the township's four items, each hamlet's council inspecting
it two or three times (the five elders join in Hubin), scores mostly good."""

import datetime
import random

from wangge.campaigns.environment import DEFAULT_ITEMS
from wangge.campaigns.models import Inspection, InspectionItem, InspectionScore
from wangge.demo import vocabulary as V
from wangge.party.models import Organisation, OrgKind

BATCH = 1000
NOTES = ["房前屋后整洁", "沟渠有少量漂浮物，已通知清理", "个别农户柴草乱堆，已劝导", ""]
FIVE_ELDERS = "湖滨村五老议事会"


def environment_demo_load(*, seed: int) -> dict:
    rng = random.Random(f"{seed}:environment")
    township = V.TOWNSHIP[0]
    items = InspectionItem.objects.bulk_create(
        [
            InspectionItem(township_code=township, name=name, max_points=most, sort=n)
            for n, (name, most) in enumerate(DEFAULT_ITEMS, start=1)
        ]
    )
    if any(i.pk is None for i in items):
        items = list(InspectionItem.objects.filter(township_code=township).order_by("sort"))
    most = sum(i.max_points for i in items)
    councils = list(
        Organisation.objects.filter(kind=OrgKind.COUNCIL, township_code=township).order_by(
            "area_code", "id"
        )
    )
    elders = next((c for c in councils if c.name == FIVE_ELDERS), None)
    plan: list[tuple[Inspection, list[int]]] = []
    for council in councils:
        if len(council.area_code) != 15:
            continue
        for _n in range(rng.randint(2, 3)):
            by = (
                elders
                if elders and council.area_code.startswith(V.HUBIN) and rng.random() < 0.3
                else council
            )
            points = [max(0, i.max_points - rng.choice([0, 0, 1, 2, 3, 5, 8])) for i in items]
            inspection = Inspection(
                council=by,
                day=datetime.date(2021, rng.randint(3, 11), rng.randint(1, 28)),
                total=sum(points),
                max_total=most,
                note=rng.choice(NOTES),
            )
            inspection.area_id = inspection.area_code = council.area_code
            inspection.township_code = township
            plan.append((inspection, points))
    made = Inspection.objects.bulk_create([p[0] for p in plan], batch_size=BATCH)
    if any(i.pk is None for i in made):
        made = list(Inspection.objects.filter(township_code=township).order_by("pk"))
    InspectionScore.objects.bulk_create(
        [
            InspectionScore(inspection=inspection, item=item, points=p)
            for inspection, (_i, points) in zip(made, plan, strict=True)
            for item, p in zip(items, points, strict=True)
        ],
        batch_size=BATCH,
    )
    return {"items": len(items), "inspections": len(made)}
