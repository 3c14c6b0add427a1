"""The 2020 flood (防汛抗洪) over Liangquan, from the report: "one branch, one stretch of dike"
(一个支部一段堤) on the front-line villages' dikes (壬辰占's 土宕圩, 河南村's 南港 and 三段,
东湖), commando teams (突击队) sent by the back-line villages (太华, 湖滨, 横山, 韩店...) and
vanguard teams (先锋队) at home, a declared emergency, day and night shifts, 500+ turn-outs
across all ten villages with about a third of the workers Party members, and a few incidents
(管涌, 漫堤险情...). Deterministic from the seed; bulk inserts throughout."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from wangge.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignTask,
    DikeSection,
    DutyLog,
    DutyLogKind,
    DutyShift,
    Emergency,
    Shift,
    Team,
    TeamKind,
    TeamMember,
    Turnout,
)
from wangge.core.identity import mask_phone
from wangge.demo import vocabulary as V
from wangge.grids.models import Person
from wangge.party.models import Member, Organisation, OrgKind
from wangge.regions.models import Region

BATCH = 1000
FIRST, LAST = datetime.date(2020, 7, 5), datetime.date(2020, 8, 10)
EMERGENCY = (datetime.date(2020, 7, 6), datetime.date(2020, 8, 8))
# Front-line villages and their stretches of dike: village code → [(section, length and place)]
SECTIONS = {
    "340827200206": [("土宕圩堤段", "约2.1公里，土宕圩东堤")],
    "340827200207": [("南港堤段", "约1.6公里，南港闸至渡口"), ("三段堤段", "约1.2公里，三段圩口")],
    "340827200002": [("东湖圩口堤段", "约1.8公里，东湖圩口")],
    "340827200203": [("凤林圩堤段", "约0.9公里，凤林圩北埂")],
}
# Back-line village → the front-line village its commando team goes to.
SENDS = {
    "340827200201": "340827200206",  # 太华 → 壬辰占
    "340827200200": "340827200207",  # 湖滨 → 河南
    "340827200202": "340827200002",  # 横山 → 泊湖（东湖）
    "340827200205": "340827200207",  # 韩店 → 河南
    "340827200204": "340827200203",  # 团山 → 凤林
    "340827200001": "340827200206",  # 凉泉社区 → 壬辰占
}
MEMBERS_PER_TEAM = 8
PERSONS_PER_TEAM = 16  # about a third of the workers are Party members
TASKS = ["巡堤查险，每小时一次", "转运砂石料", "加高加固子堤", "夜间巡查管涌", "转移低洼户群众"]
NOTES = ["", "", "", "加高子堤", "巡堤查险", "装运编织袋", "开沟导渗"]
INCIDENTS = [
    ("340827200206", "土宕圩东堤", "发现管涌一处，突击队连夜抢护，险情排除"),
    ("340827200207", "南港堤段", "漫堤险情，紧急抢筑子堤约300米"),
    ("340827200207", "三段圩口", "堤身散浸，开沟导渗，专人值守"),
    ("340827200002", "东湖圩口", "堤顶跌窝，已回填夯实"),
]


def _scoped(obj, code: str):
    obj.area_id = obj.area_code = code
    obj.township_code = code[:9]
    return obj


def _branches(village: str) -> list[Organisation]:
    """The branches that hold a village's dike: its sub-branches, else its own branch."""
    orgs = Organisation.objects.filter(area_code=village).select_related("parent").order_by("name")
    subs = [
        o
        for o in orgs
        if o.kind == OrgKind.BRANCH and o.parent and o.parent.kind != OrgKind.COMMITTEE
    ]
    return subs or [o for o in orgs if o.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH)][:1]


def flood_demo_load(*, seed: int, township_admin) -> dict:
    rng = random.Random(f"{seed}:flood")
    township = Region.objects.get(code=V.TOWNSHIP[0])
    villages = [code for code, *_rest in V.VILLAGES]
    short = {code: name for code, _full, name, *_rest in V.VILLAGES}
    campaign = _scoped(
        Campaign(
            name="2020年防汛抗洪",
            kind=CampaignKind.FLOOD,
            starts_on=FIRST,
            ends_on=LAST,
            collects_opinions=False,
            created_by=township_admin,
        ),
        township.code,
    )
    campaign.save()
    Emergency.objects.create(
        campaign=campaign,
        starts_on=EMERGENCY[0],
        ends_on=EMERGENCY[1],
        reason="长江、泊湖水位超警戒，启动防汛应急响应",
        declared_by=township_admin,
        declared_at=timezone.make_aware(datetime.datetime.combine(EMERGENCY[0], datetime.time(7))),
    )
    sections: dict[str, list[DikeSection]] = {}
    for village, stretches in SECTIONS.items():
        branches = _branches(village)
        made = [
            _scoped(
                DikeSection(
                    campaign=campaign,
                    name=name,
                    place=place,
                    organisation=branches[n % len(branches)],
                ),
                village,
            )
            for n, (name, place) in enumerate(stretches)
        ]
        sections[village] = DikeSection.objects.bulk_create(made)
    teams = Team.objects.bulk_create(
        [
            _scoped(
                Team(
                    campaign=campaign,
                    name=f"{short[code]}党员{'突击队' if code in SENDS else '先锋队'}",
                    kind=TeamKind.COMMANDO if code in SENDS else TeamKind.VANGUARD,
                    serves_id=SENDS.get(code, code),
                ),
                code,
            )
            for code in villages
        ]
    )
    persons = Person.objects.bulk_create(
        [
            _scoped(
                Person(
                    name=f"{rng.choice(V.SURNAMES)}{rng.choice(V.MALE_CHARS)}{rng.choice(V.MALE_CHARS)}",
                    phone=(phone := f"13{rng.randrange(10**9):09d}"),
                    phone_masked=mask_phone(phone),
                    created_by=township_admin,
                ),
                code,
            )
            for code in villages
            for _n in range(PERSONS_PER_TEAM)
        ],
        batch_size=BATCH,
    )
    roster, workers = [], []  # workers: (team, member_id, person_id, home village)
    for team in teams:
        pool = list(
            Member.objects.filter(area_code__startswith=team.area_code, is_mobile=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        chosen = rng.sample(pool, min(MEMBERS_PER_TEAM, len(pool)))
        own = [p for p in persons if p.area_code == team.area_code]
        for n, member_id in enumerate(chosen):
            roster.append(
                TeamMember(team=team, campaign=campaign, member_id=member_id, is_leader=n == 0)
            )
            workers.append((team, member_id, None))
        for person in own:
            roster.append(TeamMember(team=team, campaign=campaign, person=person))
            workers.append((team, None, person.pk))
    TeamMember.objects.bulk_create(roster, batch_size=BATCH)

    days = [
        EMERGENCY[0] + datetime.timedelta(days=n)
        for n in range((EMERGENCY[1] - EMERGENCY[0]).days + 1)
    ]
    turnouts = []
    for team, member_id, person_id in workers:
        stretch = sections.get(team.serves_id) or [None]
        for day in sorted(rng.sample(days, rng.randint(2, 4))):
            section = rng.choice(stretch)
            turnouts.append(
                _scoped(
                    Turnout(
                        campaign=campaign,
                        member_id=member_id,
                        person_id=person_id,
                        home_code=team.area_code,
                        team=team,
                        section=section,
                        day=day,
                        hours=Decimal(rng.choice([4, 6, 8, 8, 10, 12])),
                        task=rng.choice(TASKS) if rng.random() < 0.3 else "",
                        note=rng.choice(NOTES),
                        created_by=township_admin,
                    ),
                    team.serves_id,
                )
            )
    Turnout.objects.bulk_create(turnouts, batch_size=BATCH)

    serving: dict[str, list[Team]] = {}
    for team in teams:
        serving.setdefault(team.serves_id, []).append(team)
    shifts = [
        DutyShift(
            section=section,
            day=day,
            shift=shift,
            team=serving[village][(n + (shift == Shift.NIGHT)) % len(serving[village])],
        )
        for village, stretch in sections.items()
        for section in stretch
        for n, day in enumerate(days)
        for shift in (Shift.DAY, Shift.NIGHT)
    ]
    DutyShift.objects.bulk_create(shifts, batch_size=BATCH)

    leaders = {t.team_id: t.member_id for t in roster if t.is_leader}
    tasks = [
        _scoped(
            CampaignTask(
                campaign=campaign,
                member_id=leaders[team.pk],
                text=f"{team.name}：{TASKS[n % len(TASKS)]}",
                due_on=EMERGENCY[0] + datetime.timedelta(days=n),
                created_by=township_admin,
            ),
            team.area_code,
        )
        for n, team in enumerate(teams)
        if team.pk in leaders
    ]
    CampaignTask.objects.bulk_create(tasks)

    members_by_village = {t.area_code: t for t in turnouts if t.member_id}
    incidents = [
        _scoped(
            DutyLog(
                campaign=campaign,
                kind=DutyLogKind.INCIDENT,
                day=rng.choice(days[3:-3]),
                place=place,
                text=text,
                member_id=members_by_village[village].member_id
                if village in members_by_village
                else None,
                created_by=township_admin,
            ),
            village,
        )
        for village, place, text in INCIDENTS
    ]
    DutyLog.objects.bulk_create(incidents)
    return {
        "sections": sum(len(s) for s in sections.values()),
        "teams": len(teams),
        "persons": len(persons),
        "workers": len(workers),
        "member_workers": sum(1 for w in workers if w[1]),
        "turnouts": len(turnouts),
        "incidents": len(incidents),
    }
