"""The 2020 epidemic control over Liangquan's 353 epidemic grids (report: 疫情防控): a few
hundred people back from the cities around the Spring Festival registered in their grids, most
tested, and the ones from high-risk places in fourteen days of home quarantine (or medical
observation) followed up every day by the grid's first responsible member. A finished campaign:
every follow-up is done. Bulk inserts, deterministic from the demo seed."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from wangge.campaigns.models import (
    Campaign,
    CampaignKind,
    FollowUp,
    LabOutcome,
    LabResult,
    Quarantine,
    QuarantineKind,
    Returnee,
    ReturneeChannel,
    RiskLevel,
)
from wangge.core.identity import mask_phone
from wangge.demo import vocabulary as V
from wangge.grids.models import Grid, GridHousehold

BATCH = 1000
NAME = "2020年新冠肺炎疫情防控"
FIRST, LAST = datetime.date(2020, 1, 25), datetime.date(2020, 3, 31)
RETURNEES = 312
QUARANTINES = 16
# Where people came back from, with the risk level the county gave the place then, and weight.
ORIGINS = [
    ("湖北省武汉市", RiskLevel.HIGH, 3),
    ("湖北省黄冈市", RiskLevel.HIGH, 1),
    ("浙江省温州市", RiskLevel.HIGH, 2),
    ("上海市", RiskLevel.MEDIUM, 8),
    ("浙江省杭州市", RiskLevel.MEDIUM, 7),
    ("江苏省苏州市", RiskLevel.LOW, 9),
    ("江苏省南京市", RiskLevel.LOW, 5),
    ("广东省深圳市", RiskLevel.MEDIUM, 4),
    ("安徽省合肥市", RiskLevel.LOW, 6),
    ("浙江省宁波市", RiskLevel.MEDIUM, 3),
    ("北京市", RiskLevel.LOW, 2),
]
CONDITIONS = ["无异常", "无发热、咳嗽", "情况良好", "无不适"]


def _scoped(obj, area_code: str):
    obj.area_id = obj.area_code = area_code
    obj.township_code = area_code[:9]
    return obj


def _day(first: datetime.date, days: int) -> datetime.date:
    return first + datetime.timedelta(days=days)


def epidemic_demo_load(*, seed: int, township_admin) -> dict:
    rng = random.Random(f"{seed}:epidemic")
    township = V.TOWNSHIP[0]
    campaign = _scoped(
        Campaign(
            name=NAME,
            kind=CampaignKind.EPIDEMIC,
            starts_on=FIRST,
            ends_on=LAST,
            collects_opinions=False,
            created_by=township_admin,
        ),
        township,
    )
    campaign.save()
    grids = list(
        Grid.objects.filter(layer__slug="epidemic", township_code=township)
        .order_by("area_code", "name")
        .values_list("pk", "area_code", "responsible_id")
    )
    homes: dict[int, list[int]] = defaultdict(list)
    for grid_id, household_id in (
        GridHousehold.objects.filter(grid__in=[g[0] for g in grids])
        .order_by("grid_id", "household_id")
        .values_list("grid_id", "household_id")
    ):
        homes[grid_id].append(household_id)
    places = [(o, r) for o, r, w in ORIGINS for _n in range(w)]
    returnees = []
    for n in range(RETURNEES if grids else 0):
        grid_id, area_code, _responsible = rng.choice(grids)
        origin, risk = rng.choice(places)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        male = rng.random() < 0.6
        chars = V.MALE_CHARS if male else V.FEMALE_CHARS
        returnees.append(
            _scoped(
                Returnee(
                    campaign=campaign,
                    grid_id=grid_id,
                    name=f"{rng.choice(V.SURNAMES)}{rng.choice(chars)}{rng.choice(chars)}",
                    phone=phone,
                    phone_masked=mask_phone(phone),
                    origin=origin,
                    risk=risk,
                    # Most came home for the Spring Festival (25 January), some after it.
                    arrived_on=_day(datetime.date(2020, 1, 12), rng.randrange(30)),
                    household_id=rng.choice(homes[grid_id])
                    if homes[grid_id] and rng.random() < 0.7
                    else None,
                    channel=ReturneeChannel.PUBLIC_QR if n % 3 == 0 else ReturneeChannel.MEMBER,
                ),
                area_code,
            )
        )
    Returnee.objects.bulk_create(returnees, batch_size=BATCH)

    tests = []
    for r in returnees:
        if r.risk == RiskLevel.LOW and rng.random() < 0.5:
            continue
        tested = max(r.arrived_on, FIRST) + datetime.timedelta(days=rng.randrange(3))
        tests.append(LabResult(returnee=r, tested_on=tested, result=LabOutcome.NEGATIVE))
    high = [r for r in returnees if r.risk == RiskLevel.HIGH]
    chosen = rng.sample(high, min(QUARANTINES, len(high)))
    responsible = {g[0]: g[2] for g in grids}
    quarantines = []
    for n, r in enumerate(chosen):
        starts = max(r.arrived_on, FIRST)
        quarantines.append(
            Quarantine(
                returnee=r,
                kind=QuarantineKind.MEDICAL if n == 0 else QuarantineKind.HOME,
                starts_on=starts,
                ends_on=_day(starts, 13),
                created_by=township_admin,
            )
        )
        # A second test at the end of the fourteen days, negative for all.
        tests.append(LabResult(returnee=r, tested_on=_day(starts, 13), result=LabOutcome.NEGATIVE))
    LabResult.objects.bulk_create(tests, batch_size=BATCH)
    Quarantine.objects.bulk_create(quarantines, batch_size=BATCH)
    follow_ups = [
        FollowUp(
            quarantine=q,
            day=_day(q.starts_on, d),
            temperature=Decimal(f"36.{rng.randrange(1, 9)}"),
            condition=rng.choice(CONDITIONS),
            member_id=responsible.get(q.returnee.grid_id),
        )
        for q in quarantines
        for d in range((q.ends_on - q.starts_on).days + 1)
    ]
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    return {
        "returnees": len(returnees),
        "tests": len(tests),
        "quarantines": len(quarantines),
        "follow_ups": len(follow_ups),
        "grids_with_returnees": len({r.grid_id for r in returnees}),
    }
