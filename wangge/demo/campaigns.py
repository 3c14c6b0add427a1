"""The thousand-members visit (千名党员大走访) as the report tells it: 1,082 members visited
households across the township and collected 252 opinions, which the office categorised."""

import datetime
import random
from collections import defaultdict

from wangge.campaigns.models import Campaign, CampaignKind, Opinion, OpinionCategory
from wangge.households.models import Household
from wangge.party.models import Member
from wangge.regions.codes import township_of, village_of
from wangge.visits.models import Visit, VisitKind

NAME = "千名党员大走访"
MEMBERS_VISITED = 1082
OPINIONS = 252
# Category, opinions in it (adds up to 252), and sample wording.
CATEGORIES = [
    ("道路交通", 64, ["村组道路坑洼，希望硬化", "桥面破损，雨天难走", "希望增设路灯"]),
    ("农田水利", 41, ["沟渠淤塞，灌溉不便", "泵站老化，请求维修"]),
    ("产业发展", 36, ["希望发展特色种植", "农产品销路难", "想学养殖技术"]),
    ("医疗保障", 33, ["看病报销手续繁琐", "希望村卫生室延长开放时间"]),
    ("社会保障", 29, ["低保评定希望更公开", "高龄补贴发放时间不固定"]),
    ("人居环境", 24, ["垃圾清运不及时", "希望改造旱厕"]),
    ("就业创业", 15, ["希望就近务工", "想参加技能培训"]),
    ("教育", 10, ["孩子上学路途远", "希望开设暑期托管"]),
]


def campaign_demo_load(*, township, seed: int, today: datetime.date, scale: float = 1.0) -> dict:
    """Create the campaign, its visits and categorised opinions; returns the counts."""
    rng = random.Random(f"{seed}:campaign")
    code = township.code
    campaign = Campaign(
        name=NAME,
        kind=CampaignKind.VISIT,
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today - datetime.timedelta(days=60),
        collects_opinions=True,
    )
    campaign.set_area(township)
    campaign.save()
    categories = OpinionCategory.objects.bulk_create(
        [
            OpinionCategory(township_code=code, name=name, sort=n)
            for n, (name, *_rest) in enumerate(CATEGORIES)
        ]
    )
    if any(c.pk is None for c in categories):
        categories = list(OpinionCategory.objects.filter(township_code=code).order_by("sort"))

    households: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, area in (
        Household.objects.filter(township_code=code).order_by("pk").values_list("pk", "area_code")
    ):
        households[village_of(area)].append((pk, area))
    members = [
        (pk, area)
        for pk, area in Member.objects.filter(township_code=code, is_mobile=False)
        .order_by("pk")
        .values_list("pk", "area_code")
        if households.get(village_of(area))
    ]
    wanted = min(len(members), max(1, round(MEMBERS_VISITED * scale)))
    visitors = rng.sample(members, wanted)
    days = (campaign.ends_on - campaign.starts_on).days
    visits: list[Visit] = []
    for member_id, member_area in visitors:
        pool = households[village_of(member_area)]
        for household_id, area in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            visit = Visit(
                household_id=household_id,
                member_id=member_id,
                visited_on=campaign.starts_on + datetime.timedelta(days=rng.randrange(days + 1)),
                kind=VisitKind.ROUTINE,
                found="走访中听取群众意见",
                campaign=campaign,
            )
            visit.area_id = visit.area_code = area
            visit.township_code = township_of(area)
            visits.append(visit)
    Visit.objects.bulk_create(visits, batch_size=1000)
    if any(v.pk is None for v in visits):
        visits = list(Visit.objects.filter(campaign=campaign).order_by("pk"))

    total = max(1, round(OPINIONS * scale))
    chosen = rng.sample(visits, min(total, len(visits)))
    opinions = []
    labels = [
        (category, texts)
        for category, (_name, count, texts) in zip(categories, CATEGORIES, strict=True)
        for _ in range(count)
    ]
    for n, visit in enumerate(chosen):
        category, texts = labels[round(n * len(labels) / len(chosen)) % len(labels)]
        opinion = Opinion(
            campaign=campaign,
            visit=visit,
            household_id=visit.household_id,
            text=rng.choice(texts),
            category=category,
        )
        opinion.area_id = opinion.area_code = visit.area_code
        opinion.township_code = visit.township_code
        opinions.append(opinion)
    Opinion.objects.bulk_create(opinions, batch_size=1000)
    return {
        "campaign": campaign.pk,
        "members_visited": len({v.member_id for v in visits}),
        "visits": len(visits),
        "opinions": len(opinions),
    }
