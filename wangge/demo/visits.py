"""Demo visits for Liangquan: a year of visits to every paired household, following the
township's visit policies, with most households visited on time and some overdue.

Runs after the pairing demo; without pairings there is nothing to visit and nothing is made.
A household's history goes back a year, to before its current pairing where that is newer.
Each demo member login ends with one household visited recently, one due within days and one
overdue, so the field home shows both kinds of task.
"""

import datetime
import random
from collections import defaultdict

from wangge.accounts.models import User
from wangge.households.models import Household
from wangge.pairing.models import Pairing
from wangge.regions.codes import township_of
from wangge.visits.models import FALLBACK_INTERVAL_DAYS, Visit, VisitKind, VisitPolicy
from wangge.visits.services import policies_seed

FOUND = [
    "老人身体尚可，按时服药",
    "家中整洁，孩子在县城读书",
    "房屋老旧，雨季需留意",
    "低保金按月到账，生活稳定",
    "家人外出务工，留守老人一人在家",
    "庄稼长势好，希望技术指导",
    "医保报销已办理，感谢村里帮助",
    "邻里关系和睦",
]
NEEDS = [
    "希望帮助申请临时救助",
    "屋后水沟堵塞，请求疏通",
    "想了解小额贷款政策",
    "孩子上学交通不便",
    "慢性病门诊需要办理",
]
# Share of households whose last visit is left past due (the rest are on time).
OVERDUE_SHARE = 0.12


def _intervals(township_code: str) -> dict[int, int]:
    """Each paired household's interval: the shortest among its tags' policies."""
    policies = {
        p.tag_id: p.interval_days for p in VisitPolicy.objects.filter(township_code=township_code)
    }
    default = policies.get(None, FALLBACK_INTERVAL_DAYS)
    out: dict[int, int] = {}
    links = Household.tags.through.objects.filter(household__township_code=township_code)
    for household_id, tag_id in links.values_list("household_id", "tag_id"):
        if tag_id in policies:
            out[household_id] = min(out.get(household_id, 10_000), policies[tag_id])
    return defaultdict(lambda: default, out)


def visits_demo_load(*, township_code: str, seed: int, today: datetime.date) -> int:
    """Create the visit history; returns the number of visits made."""
    rng = random.Random(f"{seed}:visits")
    policies_seed(township_code)
    intervals = _intervals(township_code)
    pairings = list(
        Pairing.objects.filter(ended_on__isnull=True)
        .filter(township_code=township_code)
        .order_by("household_id", "started_on", "pk")
        .values_list("household_id", "member_id", "started_on", "area_code")
    )
    if not pairings:
        return 0
    by_household: dict[int, list[tuple[int, datetime.date, str]]] = defaultdict(list)
    for household_id, member_id, started_on, area in pairings:
        by_household[household_id].append((member_id, started_on, area))
    # The demo logins' households: one visited recently, one due soon, one overdue.
    login_members = set(
        User.objects.filter(username__startswith="member-", member__isnull=False).values_list(
            "member_id", flat=True
        )
    )
    shaped: dict[int, str] = {}
    for member_id in sorted(login_members):
        homes = [h for h, rows in by_household.items() if any(m == member_id for m, *_ in rows)]
        for household_id, shape in zip(sorted(homes), ("overdue", "due", "ok"), strict=False):
            shaped[household_id] = shape

    rows: list[Visit] = []
    year_ago = today - datetime.timedelta(days=365)
    for household_id, paired in by_household.items():
        interval = intervals[household_id]
        member_id, started_on, area = paired[0]
        # A year of history, but none before the household was paired (its members visit it
        # as its pairing's members; the demo pairings are dated before the year began).
        start = max(year_ago, started_on)
        shape = shaped.get(household_id) or ("overdue" if rng.random() < OVERDUE_SHARE else "ok")
        if shape == "ok":
            last = today - datetime.timedelta(days=rng.randrange(0, max(1, interval - 7)))
        elif shape == "due":
            last = today - datetime.timedelta(days=interval - rng.randrange(1, 6))
        else:
            last = today - datetime.timedelta(days=interval + rng.randrange(3, 40))
        # Walk back from the last visit at about the interval, to the pairing's start.
        days: list[datetime.date] = []
        day = last
        while day >= start:
            days.append(day)
            day -= datetime.timedelta(days=max(1, round(interval * rng.uniform(0.7, 1.0))))
        days.reverse()
        first_after_pairing = next((d for d in days if d >= started_on), None)
        for visited_on in days:
            visitor = paired[rng.randrange(len(paired))][0]
            kind = VisitKind.FIRST if visited_on == first_after_pairing else VisitKind.ROUTINE
            needs = ""
            if rng.random() < 0.08:
                kind = VisitKind.HELP
                needs = rng.choice(NEEDS)
            visit = Visit(
                household_id=household_id,
                member_id=visitor,
                visited_on=visited_on,
                kind=kind,
                found=rng.choice(FOUND),
                needs=needs,
            )
            visit.area_id = visit.area_code = area
            visit.township_code = township_of(area)
            rows.append(visit)
    Visit.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
