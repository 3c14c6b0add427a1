"""The 2021 straw-burning ban (秸秆禁烧) and forest-fire prevention (森林防火) over Liangquan:
every grid member gets the responsibility letter (a few have not acknowledged it yet), members
patrol, a couple of incidents, and two accountability records, one decided."""

import datetime
import random

from django.utils import timezone

from wangge.campaigns.models import (
    Accountability,
    AccountabilityStatus,
    Campaign,
    CampaignKind,
    DutyLog,
    DutyLogKind,
    Pledge,
    PledgeAck,
    RosterEntry,
)
from wangge.campaigns.selectors import scope_members
from wangge.core.identity import mask_phone
from wangge.demo import vocabulary as V
from wangge.grids.models import Person
from wangge.regions.models import Level, Region

BATCH = 1000
# name, kind, first and last day, letter, members who have not acknowledged, patrols
CAMPAIGNS = [
    (
        "2021年森林防火",
        CampaignKind.FOREST_FIRE,
        datetime.date(2021, 1, 1),
        datetime.date(2021, 4, 30),
        "本人作为网格员，承诺：落实“林长制”责任，清明节前后加强巡山护林，劝阻野外用火，"
        "发现火情立即报告并组织扑救。如失职失责，愿接受追责。",
        9,
        180,
    ),
    (
        "2021年秸秆禁烧",
        CampaignKind.STRAW_BURNING,
        datetime.date(2021, 5, 20),
        datetime.date(2021, 7, 10),
        "本人作为网格员，承诺：在“三夏”期间包保责任田块，宣传秸秆综合利用，"
        "每日巡查，发现焚烧苗头立即制止并报告。如失职失责，愿接受追责。",
        14,
        260,
    ),
]
PATROL_TEXTS = [
    "巡查责任田块，未发现焚烧",
    "入户宣传禁烧政策",
    "劝阻路边焚烧垃圾一起",
    "巡山一圈，无火情",
]
INCIDENTS = [
    (1, "河滩田块", "发现一处秸秆焚烧，已扑灭并登记农户"),
    (0, "后山林边", "祭扫用火引燃杂草，约20平方米，已扑灭"),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _scoped(obj, area_code: str):
    obj.area_id = obj.area_code = area_code
    obj.township_code = area_code[:9]
    return obj


def duty_demo_load(*, seed: int, township_admin) -> dict:
    """Both campaigns with their letters, acknowledgements, patrols, rangers on the roster and
    two accountability records; bulk inserts throughout."""
    rng = random.Random(f"{seed}:duty")
    township = Region.objects.get(code=V.TOWNSHIP[0])
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, parent=township)
        .order_by("code")
        .values_list("code", "name")
    )
    people = Person.objects.bulk_create(
        [
            _scoped(
                Person(
                    name=f"{rng.choice(V.SURNAMES)}{rng.choice(V.MALE_CHARS)}{rng.choice(V.MALE_CHARS)}",
                    phone=(phone := f"139{rng.randrange(10**8):08d}"),
                    phone_masked=mask_phone(phone),
                    created_by=township_admin,
                ),
                code,
            )
            for code, _name in villages
        ]
    )
    counts = {"persons": len(people), "campaigns": 0, "acknowledged": 0, "pending": 0}
    counts |= {"patrols": 0, "incidents": 0, "accountability": 0}
    made = []
    for name, kind, first, last, text, not_yet, patrols in CAMPAIGNS:
        campaign = _scoped(
            Campaign(
                name=name,
                kind=kind,
                starts_on=first,
                ends_on=last,
                collects_opinions=False,
                created_by=township_admin,
            ),
            township.code,
        )
        campaign.save()
        pledge = Pledge.objects.create(
            campaign=campaign, version=1, text=text, created_by=township_admin
        )
        members = list(scope_members(campaign).order_by("pk").values_list("pk", "area_code"))
        pending = set(rng.sample(range(len(members)), min(not_yet, len(members))))
        acks = [
            _scoped(
                PledgeAck(
                    pledge=pledge,
                    member_id=pk,
                    acknowledged_at=_at(first + datetime.timedelta(days=rng.randrange(4)), 9),
                ),
                area,
            )
            for n, (pk, area) in enumerate(members)
            if n not in pending
        ]
        PledgeAck.objects.bulk_create(acks, batch_size=BATCH)
        span = (last - first).days
        logs = [
            _scoped(
                DutyLog(
                    campaign=campaign,
                    kind=DutyLogKind.PATROL,
                    day=first + datetime.timedelta(days=rng.randrange(span + 1)),
                    place=f"{rng.choice(V.HAMLET_SURNAMES)}{rng.choice(V.HAMLET_SUFFIXES)}",
                    text=rng.choice(PATROL_TEXTS),
                    member_id=pk,
                ),
                area,
            )
            for pk, area in rng.sample(members, min(patrols, len(members)))
        ]
        DutyLog.objects.bulk_create(logs, batch_size=BATCH)
        RosterEntry.objects.bulk_create(
            [
                RosterEntry(campaign=campaign, person=p, duty="护林员" if n % 2 else "禁烧巡查员")
                for n, p in enumerate(people)
            ]
        )
        counts["campaigns"] += 1
        counts["acknowledged"] += len(acks)
        counts["pending"] += len(members) - len(acks)
        counts["patrols"] += len(logs)
        made.append((campaign, members, span))

    records = []
    for index, place, what in INCIDENTS:
        campaign, members, span = made[index]
        pk, area = rng.choice(members)
        incident = _scoped(
            DutyLog(
                campaign=campaign,
                kind=DutyLogKind.INCIDENT,
                day=campaign.starts_on + datetime.timedelta(days=rng.randrange(span + 1)),
                place=place,
                text=what,
                member_id=pk,
            ),
            area,
        )
        incident.save()
        counts["incidents"] += 1
        records.append((campaign, incident, pk, area))
    now = timezone.now()
    accountabilities = []
    for n, (campaign, incident, pk, area) in enumerate(records):
        decided = n == 0
        accountabilities.append(
            _scoped(
                Accountability(
                    campaign=campaign,
                    member_id=pk,
                    failure="包保区域内发生火情，巡查不到位" if decided else "责任山场未按要求巡查",
                    evidence=f"{incident.day:%Y-%m-%d} {incident.place}：{incident.text}",
                    duty_log=incident,
                    status=AccountabilityStatus.DECIDED if decided else AccountabilityStatus.OPEN,
                    decision="经乡纪委研究，予以诫勉谈话" if decided else "",
                    decided_at=now if decided else None,
                    created_by=township_admin,
                ),
                area,
            )
        )
    Accountability.objects.bulk_create(accountabilities)
    counts["accountability"] = len(accountabilities)
    return counts
