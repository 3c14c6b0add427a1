"""Demo five-star rating: the 2021 round finished for every branch, public pages and
commitments for every member, and 泊湖社区's 徐胜平 of 徐滩 a five-star member (the report).

Rows are written in bulk with the timeline dated through November and December 2021; the
peer step keeps its anonymity here too (ballot hashes and counts, nothing linking them).
"""

import datetime
import math
import random
from collections import defaultdict

from django.utils import timezone

from wangge.accounts.models import User
from wangge.assessment.models import (
    STAR_KINDS,
    PublicPage,
    PublicRating,
    StarAward,
    StarCriterion,
    StarPeerBallot,
    StarPeerTally,
    StarPublicVote,
    StarRound,
    StarRoundEvent,
    StarSelf,
    StarStep,
)
from wangge.assessment.stars import DEFAULT_CRITERIA
from wangge.core.crypto import blind_index
from wangge.demo import vocabulary as V
from wangge.party.models import Member, Organisation
from wangge.regions.models import Region

YEAR = 2021
BOHU = "340827200002"
STAR_MEMBER = "徐胜平"
STAR_HAMLET = "徐滩"

COMMITMENTS = [
    "每月走访联系户，帮助解决实际困难。",
    "带头搞好房前屋后环境卫生，争做文明家庭。",
    "为留守老人代办事务，送医送药。",
    "及时收集群众意见，向村党组织反映。",
    "带头遵纪守法，宣传党的政策。",
    "在防汛、防疫等急难险重任务中冲在前面。",
    "帮助群众学习农业技术，带动增收。",
    "调解邻里纠纷，维护和谐稳定。",
]
REASONS = [
    "按时参加组织生活，走访联系户从不缺席。",
    "今年帮助群众办了几件实事，群众比较满意。",
    "参加防汛值守，带头清理村庄环境。",
    "认真学习，遵守纪律，热心服务群众。",
]
STEP_DAYS = [
    (StarStep.SELF, datetime.date(YEAR, 11, 1), "开展党员自评。"),
    (StarStep.PEER, datetime.date(YEAR, 11, 8), "开展党员互评（无记名）。"),
    (StarStep.PUBLIC, datetime.date(YEAR, 11, 15), "群众扫码参评。"),
    (StarStep.PROPOSAL, datetime.date(YEAR, 11, 25), "支部拟定星级。"),
    (StarStep.APPROVAL, datetime.date(YEAR, 11, 28), "报乡党委核定。"),
    (StarStep.NOTICE, datetime.date(YEAR, 12, 1), "乡党委核定，公示5天。"),
    (StarStep.FINAL, datetime.date(YEAR, 12, 8), "公示期满无异议，评定完成。"),
]


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _star_member(rng: random.Random) -> Member | None:
    """徐胜平 of 徐滩 in 泊湖社区's branch: an existing member there, renamed and housed in 徐滩."""
    hamlet = Region.objects.filter(parent_id=BOHU, name=STAR_HAMLET).first()
    if hamlet is None:
        return None
    group = Region.objects.filter(parent=hamlet).order_by("code").first() or hamlet
    existing = Member.objects.filter(name=STAR_MEMBER, area_code__startswith=BOHU).first()
    if existing is not None:
        return existing
    logins = User.objects.filter(member__isnull=False).values("member_id")
    pool = (
        Member.objects.filter(area_code__startswith=BOHU, is_mobile=False, gender="M")
        .exclude(pk__in=logins)
        .order_by("-area_code", "pk")
    )
    living = [m for m in pool if m.area_code.startswith(hamlet.code)]
    member = living[0] if living else pool.first()
    if member is None:
        return None
    member.name = STAR_MEMBER
    member.set_area(group)
    member.save(update_fields=["name", "area", "area_code", "township_code"])
    return member


def _pages(rng: random.Random, members: list[Member]) -> int:
    """Each member's written commitments (亮承诺) on the page made with the member."""
    pages = PublicPage.objects.in_bulk([m.pk for m in members], field_name="member_id")
    for member in members:
        pages[member.pk].commitments = "\n".join(rng.sample(COMMITMENTS, 2))
    PublicPage.objects.bulk_update(pages.values(), ["commitments"], batch_size=500)
    return len(pages)


def _kinds_for(rng: random.Random, star: bool) -> list[str]:
    if star:
        return list(STAR_KINDS)
    n = rng.choices([1, 2, 3, 4, 5], weights=[10, 25, 35, 22, 8])[0]
    chosen = set(rng.sample(STAR_KINDS, n))
    return [k for k in STAR_KINDS if k in chosen]


def stars_demo_load(*, seed: int) -> dict:
    """Pages and commitments for every member; the 2021 round finished for every branch."""
    rng = random.Random(f"{seed}:stars")
    township = Region.objects.get(code=V.TOWNSHIP[0])
    admin = User.objects.filter(username="township-admin").first()
    star = _star_member(rng)
    members = list(Member.objects.filter(township_code=township.code).order_by("pk"))
    pages = _pages(rng, members)
    StarCriterion.objects.bulk_create(
        [
            StarCriterion(township=township, year=YEAR, kind=k, text=str(t), updated_by=admin)
            for k, t in DEFAULT_CRITERIA.items()
        ],
        ignore_conflicts=True,
    )
    by_org: dict[int, list[Member]] = defaultdict(list)
    for m in members:
        by_org[m.organisation_id].append(m)
    orgs = Organisation.objects.filter(pk__in=by_org).select_related("area")
    secretaries = {
        u.username.removeprefix("secretary-"): u
        for u in User.objects.filter(username__startswith="secretary-")
    }
    rounds = []
    for org in orgs:
        round_ = StarRound(
            organisation=org,
            year=YEAR,
            step=StarStep.FINAL,
            notice_days=5,
            notice_ends=_at(datetime.date(YEAR, 12, 6), 17),
        )
        round_.set_area(org.area)
        rounds.append(round_)
    StarRound.objects.bulk_create(rounds, batch_size=500)
    rounds = list(StarRound.objects.filter(year=YEAR, organisation_id__in=by_org))
    rows: dict = defaultdict(list)
    star_pk = star.pk if star else None
    for round_ in rounds:
        secretary = secretaries.get(round_.area_code[:12]) or admin
        _fill_round(rng, round_, by_org[round_.organisation_id], star_pk, admin, secretary, rows)
    events, selves, ballots = rows["events"], rows["selves"], rows["ballots"]
    tallies, votes, awards = rows["tallies"], rows["votes"], rows["awards"]
    StarRound.objects.bulk_update(rounds, ["peer_ballots"], batch_size=500)
    for model, rows in (
        (StarRoundEvent, events),
        (StarSelf, selves),
        (StarPeerBallot, ballots),
        (StarPeerTally, tallies),
        (StarPublicVote, votes),
        (StarAward, awards),
    ):
        model.objects.bulk_create(rows, batch_size=1000)
    return {
        "pages": pages,
        "rounds": len(rounds),
        "awards": len(awards),
        "five_star_members": _five_star_count(awards),
        "star_member": star.pk if star else None,
    }


def _five_star_count(awards: list[StarAward]) -> int:
    per = defaultdict(int)
    for a in awards:
        per[a.member_id] += 1
    return sum(1 for n in per.values() if n == 5)


def _fill_round(rng, round_, branch, star_pk, admin, secretary, rows) -> None:
    """One branch's finished round: timeline, self ticks, anonymous peer counts, residents'
    ratings and the final stars (ids, not instances, in the loops: thousands of rows)."""
    rid = round_.pk
    for step, day, note in STEP_DAYS:
        actor = admin if step in (StarStep.NOTICE, StarStep.FINAL) else secretary
        rows["events"].append(
            StarRoundEvent(round_id=rid, step=step, at=_at(day), actor=actor, note=note)
        )
    members = [(m.pk, m.is_mobile) for m in branch]
    earned = {}
    for mid, mobile in members:
        kinds = _kinds_for(rng, mid == star_pk)
        if mobile and mid != star_pk:
            kinds = kinds[:2]
        earned[mid] = kinds
        claimed = sorted(set(kinds) | set(rng.sample(STAR_KINDS, 1)), key=STAR_KINDS.index)
        if not mobile or rng.random() < 0.3:
            rows["selves"].append(
                StarSelf(
                    round_id=rid,
                    member_id=mid,
                    kinds=claimed,
                    reason=rng.choice(REASONS),
                    at=_at(datetime.date(YEAR, 11, rng.randint(1, 7)), rng.randint(8, 20)),
                )
            )
    voters = [mid for mid, mobile in members if not mobile]
    quorum = math.ceil(len(members) * round_.quorum_percent / 100)
    voting = voters[: max(quorum, round(len(voters) * 0.85))]
    peer: dict = defaultdict(int)
    for voter in voting:
        voter_hash = blind_index(f"{rid}:{voter}", purpose="star-peer")
        rows["ballots"].append(StarPeerBallot(round_id=rid, voter_hash=voter_hash))
        for mid, _mobile in members:
            if mid == voter:
                continue
            for k in earned[mid]:
                if rng.random() < 0.9:
                    peer[(mid, k)] += 1
    round_.peer_ballots = len(voting)
    rows["tallies"].extend(
        StarPeerTally(round_id=rid, member_id=mid, kind=k, votes=peer.get((mid, k), 0))
        for mid, _mobile in members
        for k in STAR_KINDS
    )
    for mid, mobile in members:
        for _n in range(rng.randint(0, 4) if not mobile else 0):
            rows["votes"].append(
                StarPublicVote(
                    round_id=rid,
                    member_id=mid,
                    year=YEAR,
                    phone_hash=blind_index(
                        f"demo-{rng.randrange(10**9)}", purpose="star-public-vote"
                    ),
                    rating=rng.choices(PublicRating.values, weights=[80, 17, 3])[0],
                    at=_at(datetime.date(YEAR, 11, rng.randint(15, 24)), rng.randint(8, 20)),
                )
            )
        rows["awards"].extend(
            StarAward(round_id=rid, member_id=mid, year=YEAR, kind=k) for k in earned[mid]
        )
