"""Demo pairings for Liangquan: a year of history, then the real optimiser over the township.

Each demo member login first gets three key households near home (so "my households" is never
empty), and twenty mobile members carry one each from before they left; the township-wide
proposal then keeps the former, ends the latter (a mobile member carries none) and pairs every
other key household, through the same services and audit trail staff use. In 泊湖社区 every
member carries one household from before (the report's 97 members serving its residents).
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from wangge.accounts.models import User
from wangge.demo import vocabulary as V
from wangge.households.models import Household
from wangge.pairing.models import Pairing, PairingSource
from wangge.pairing.services import proposal_apply, proposal_create
from wangge.party.models import Member
from wangge.regions.codes import township_of

PER_LOGIN = 3
HISTORY_LEAD_DAYS = 60
MOBILE_WITH_OLD_PAIRINGS = 20


def _nearest(area: str, pools: dict, taken: set, rng: random.Random, k: int) -> list[int]:
    chosen: list[int] = []
    for length in (18, 15, 12):
        candidates = [pk for pk in pools[length].get(area[:length], []) if pk not in taken]
        rng.shuffle(candidates)
        for pk in candidates[: k - len(chosen)]:
            chosen.append(pk)
            taken.add(pk)
        if len(chosen) == k:
            break
    return chosen


def _backdate_proposed(
    township_code: str, since: datetime.date, today: datetime.date, rng: random.Random
) -> None:
    """Date the optimiser's pairings as if made a year ago, like the history's: except where
    they take over from a mobile member's pairing ended today (those households are newly
    paired and wait for their first visit)."""
    taken_over = Pairing.objects.filter(township_code=township_code, ended_on=today).values_list(
        "household_id", flat=True
    )
    proposed = list(
        Pairing.objects.filter(township_code=township_code, ended_on__isnull=True, started_on=today)
        .exclude(household_id__in=taken_over)
        .order_by("pk")
    )
    for pairing in proposed:
        pairing.started_on = since + datetime.timedelta(days=rng.randrange(HISTORY_LEAD_DAYS))
    Pairing.objects.bulk_update(proposed, ["started_on"], batch_size=500)


def pairing_demo_load(*, actor, township_code: str, seed: int) -> dict:
    rng = random.Random(f"{seed}:pairing")
    today = timezone.localdate()
    # Pairings began before the year of visit history (visits_demo_load), so a household's
    # page never says "paired since today" above visits its member made months ago.
    since = today - datetime.timedelta(days=365 + HISTORY_LEAD_DAYS)
    key = list(
        Household.objects.filter(township_code=township_code, tags__is_key=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", "area_code")
    )
    area_of = dict(key)
    pools: dict[int, dict[str, list[int]]] = {n: defaultdict(list) for n in (18, 15, 12)}
    for pk, area in key:
        for n in pools:
            pools[n][area[:n]].append(pk)
    taken: set[int] = set()
    rows: list[Pairing] = []

    def pair(member_id: int, household_id: int) -> None:
        area = area_of[household_id]
        rows.append(
            Pairing(
                member_id=member_id,
                household_id=household_id,
                area_id=area,
                area_code=area,
                township_code=township_of(area),
                started_on=since + datetime.timedelta(days=rng.randrange(HISTORY_LEAD_DAYS)),
                source=PairingSource.MANUAL,
                created_by=actor,
            )
        )

    logins = (
        User.objects.filter(username__startswith="member-", member__isnull=False)
        .order_by("username")
        .values_list("member__pk", "member__area_code")
    )
    for member_id, area in logins:
        for household_id in _nearest(area, pools, taken, rng, PER_LOGIN):
            pair(member_id, household_id)
    mobile = list(
        Member.objects.filter(township_code=township_code, is_mobile=True)
        .order_by("pk")
        .values_list("pk", "area_code")
    )
    for member_id, area in rng.sample(mobile, min(MOBILE_WITH_OLD_PAIRINGS, len(mobile))):
        for household_id in _nearest(area, pools, taken, rng, 1):
            pair(member_id, household_id)
    # 泊湖社区: every member there carries a household of their own, the report's 97 members
    # serving; the optimiser leaves these where they are (keeping costs nothing).
    carrying = {row.member_id for row in rows}
    bohu = (
        Member.objects.filter(area_code__startswith=V.BOHU, is_mobile=False)
        .exclude(pk__in=carrying)
        .order_by("pk")
        .values_list("pk", "area_code")
    )
    for member_id, area in bohu:
        for household_id in _nearest(area, pools, taken, rng, 1):
            pair(member_id, household_id)
    Pairing.objects.bulk_create(rows, batch_size=500)

    proposal = proposal_create(actor=actor, area_code=township_code)
    proposal_apply(actor=actor, proposal=proposal)
    _backdate_proposed(township_code, since, today, rng)
    active = Pairing.objects.filter(ended_on__isnull=True, township_code=township_code)
    return {
        "pairings": active.count(),
        "paired_households": active.values("household_id").distinct().count(),
        "key_households": len(key),
        "uncovered": proposal.uncovered,
        "ended": proposal.ends,
        "seconds": proposal.seconds,
    }
