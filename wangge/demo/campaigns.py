"""The thousand-members visit (千名党员大走访) as the report tells it: 1,082 Party members were
visited — consulted about grid management by the cadres of their village — and gave 252
opinions about the grid scheme, which the office categorised."""

import datetime
import random
from collections import defaultdict

from wangge.campaigns.models import (
    Campaign,
    CampaignKind,
    Consultation,
    Opinion,
    OpinionCategory,
)
from wangge.party.models import Member, Position
from wangge.regions.codes import village_of

NAME = "千名党员大走访"
MEMBERS_CONSULTED = 1082
OPINIONS = 252
# Category, opinions in it (adds up to 252), and sample wording about the grid scheme.
CATEGORIES = [
    (
        "网格划分",
        64,
        ["网格太大，希望按屋场重新划分", "一个网格跨两个组，联系不便", "希望网格边界上墙公示"],
    ),
    ("网格员职责", 41, ["网格员职责不清，希望列出清单", "希望明确党小组长和村民组长的分工"]),
    (
        "联系群众",
        36,
        ["希望网格员定期入户", "外出务工户联系不上，希望建微信群", "老人不会用手机，希望上门"],
    ),
    ("党员作用", 33, ["年纪大了也想发挥作用", "希望给流动党员分配联系任务"]),
    ("信息报送", 29, ["诉求上报后希望有回音", "希望简化报表"]),
    ("人居环境", 24, ["网格内垃圾清运希望有人负责", "希望把环境整治纳入网格"]),
    ("培训学习", 15, ["希望培训网格工作方法", "想学习使用手机平台"]),
    ("考核激励", 10, ["希望考核看实效，不看台账", "希望表彰优秀网格员"]),
]


def campaign_demo_load(*, township, seed: int, today: datetime.date, scale: float = 1.0) -> dict:
    """Create the campaign, its consultations of members and their categorised opinions."""
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

    # Who asks: the cadres (position holders) of each village; whom: its resident members.
    cadres: dict[str, list[int]] = defaultdict(list)
    for member_id, area in (
        Position.objects.filter(member__township_code=code)
        .order_by("member_id")
        .values_list("member_id", "member__area_code")
        .distinct()
    ):
        if village_of(area):
            cadres[village_of(area)].append(member_id)
    members = list(
        Member.objects.filter(township_code=code, is_mobile=False)
        .order_by("pk")
        .values_list("pk", "area_code")
    )
    wanted = min(len(members), max(1, round(MEMBERS_CONSULTED * scale)))
    chosen = rng.sample(members, wanted)
    days = (campaign.ends_on - campaign.starts_on).days
    consultations = []
    for member_id, area in chosen:
        askers = [c for c in cadres.get(village_of(area) or "", []) if c != member_id]
        consultation = Consultation(
            campaign=campaign,
            member_id=member_id,
            consulted_by_id=rng.choice(askers) if askers else None,
            day=campaign.starts_on + datetime.timedelta(days=rng.randrange(days + 1)),
        )
        consultation.area_id = consultation.area_code = area
        consultation.township_code = code
        consultations.append(consultation)
    Consultation.objects.bulk_create(consultations, batch_size=1000)
    if any(c.pk is None for c in consultations):
        consultations = list(Consultation.objects.filter(campaign=campaign).order_by("pk"))

    total = max(1, round(OPINIONS * scale))
    # Some members gave two or three opinions, most one: 252 opinions from fewer members.
    givers = rng.sample(consultations, min(len(consultations), max(1, round(total * 0.8))))
    slots = list(givers) + [rng.choice(givers) for _ in range(total - len(givers))]
    labels = [
        (category, texts)
        for category, (_name, count, texts) in zip(categories, CATEGORIES, strict=True)
        for _ in range(count)
    ]
    opinions = []
    for n, consultation in enumerate(slots):
        category, texts = labels[round(n * len(labels) / len(slots)) % len(labels)]
        opinion = Opinion(
            campaign=campaign,
            consultation=consultation,
            text=rng.choice(texts),
            category=category,
        )
        opinion.area_id = opinion.area_code = consultation.area_code
        opinion.township_code = code
        opinions.append(opinion)
    Opinion.objects.bulk_create(opinions, batch_size=1000)
    return {
        "campaign": campaign.pk,
        "members_consulted": len(consultations),
        "opinions": len(opinions),
    }
