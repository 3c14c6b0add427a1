"""The 2021 assessment of Liangquan: duty lists for the four grid levels, the default scheme,
inspectors' marks for a few grid workers who fell short, the monthly and quarterly scores of
every grid worker and grid computed from the demo record (the same computation the background
job runs, here synchronously), the talks that followed, held and recorded, and every period
approved village by village, then by the township."""

import datetime
import random
import time

from django.utils import timezone

from wangge.accounts.models import User
from wangge.assessment.admonish import talk_close
from wangge.assessment.compute import (
    compute_period,
    entry_save,
    grid_workers,
    scheme_for,
)
from wangge.assessment.duties import duty_list_save
from wangge.assessment.models import Score, ScoreApproval, Talk
from wangge.audit.services import audit_record
from wangge.campaigns.models import DutyLog
from wangge.core.periods import month_period, parse_period, quarter_period
from wangge.demo import vocabulary as V
from wangge.party.models import Member
from wangge.regions.models import Level, Region

YEAR = 2021
DUTIES = {
    1: [
        "统筹全乡网格化管理，每月听取各村网格工作汇报",
        "组织“千名党员大走访”等专项行动，督促责任落实",
        "每季度通报网格考核结果，年度评比表彰",
    ],
    2: [
        "村党组织书记任网格长，统筹本村网格员分工",
        "每月召开网格工作例会，研判群众诉求",
        "对超时未办结的诉求及时协调上报",
    ],
    3: [
        "掌握片区内农户基本情况和重点人群",
        "协助处置矛盾纠纷、安全隐患，及时上报",
        "落实秸秆禁烧、森林防火等包保责任",
    ],
    4: [
        "按时走访结对农户，困难户每月至少一次",
        "收集群众诉求，当日登记、限时回应",
        "宣传政策，做好“代办”服务",
        "发现问题及时报告，不瞒报、不漏报",
    ],
}
# Grid workers who fell short in a month (picked among those who did not patrol), with the
# inspectors' marks and notes; the first one falls short twice (an admonition talk).
SHORTFALLS = [
    (
        3,
        "听汇报：对结对户情况说不清",
        "看实绩：走访记录缺失",
        "评责任：包保田块未巡查",
        "查台账：台账未更新",
    ),
    (
        6,
        "听汇报：未参加例会",
        "看实绩：诉求登记不及时",
        "评责任：责任意识淡薄",
        "查台账：走访台账空白",
    ),
]
MARKS = (10, 20, 20, 10)
KEYS = ("hearing", "results", "responsibility", "ledgers")
OUTCOMES = [
    "当面指出问题，本人表示限期整改，一个月内补齐走访和台账",
    "责令书面检查，纳入下月重点督查",
]


def assessment_demo_load(*, seed: int) -> dict:
    started = time.perf_counter()
    rng = random.Random(f"{seed}:assessment")
    township = Region.objects.get(code=V.TOWNSHIP[0])
    admin = User.objects.get(username="township-admin")
    discipline = User.objects.get(username="discipline")
    for level, items in DUTIES.items():
        duty_list_save(actor=admin, township_code=township.code, level=level, items=items)
    scheme_for(township.code)
    scores = Score.objects.filter(township_code=township.code, subject_kind="member")
    # Marks for a few grid workers in the campaign months, so their month falls under 80.
    workers = sorted(grid_workers(township.code))
    patrolled = set(DutyLog.objects.values_list("member_id", flat=True))
    idle = [m for m in workers if m not in patrolled]
    pool = idle or workers
    chosen = rng.sample(pool, min(5, len(pool)))
    plan = [(chosen[0], 3), (chosen[0], 6)] if chosen else []
    plan += [(m, rng.choice((3, 6))) for m in chosen[1:]]
    members = Member.objects.in_bulk([m for m, _month in plan])
    for n, (member_id, month) in enumerate(plan):
        notes = SHORTFALLS[n % len(SHORTFALLS)][1:]
        for key, mark, note in zip(KEYS, MARKS, notes, strict=True):
            entry_save(
                actor=admin,
                member=members[member_id],
                period=month_period(YEAR, month),
                key=key,
                mark=mark,
                note=note,
            )
    periods = [month_period(YEAR, m) for m in range(1, 13)]
    periods.append(quarter_period(YEAR, 4))  # the quarterly bulletin's (API: 2021-Q4)
    for period in periods:
        compute_period(township_code=township.code, period=period)
    # The talks, held the month after.
    talks = list(Talk.objects.filter(township_code=township.code).order_by("period_key", "id"))
    for n, talk in enumerate(talks):
        held = parse_period(talk.period_key).end + datetime.timedelta(days=7)
        talk_close(
            actor=discipline,
            talk=talk,
            held_on=held,
            held_by="乡纪委书记、村党组织书记",
            notes="本人承认走访不到位，说明了家中困难；已提醒村书记跟进。",
            outcome=OUTCOMES[n % len(OUTCOMES)],
            expected_version=talk.version,
        )
    # Every period approved by each village with scores, then by the township: written in
    # bulk (the approval service checks them one by one; the demo's are all in order).
    villages = list(Region.objects.filter(level=Level.VILLAGE, parent=township).order_by("code"))
    approved_at = timezone.now()
    approvals = []
    for period in periods:
        with_scores = {
            code[:12]
            for code in scores.filter(period_key=period.key).values_list("area_code", flat=True)
        }
        for area in [v for v in villages if v.code in with_scores] + [township]:
            approval = ScoreApproval(
                period_key=period.key, approved_by=admin, approved_at=approved_at
            )
            approval.set_area(area)
            approvals.append(approval)
    ScoreApproval.objects.bulk_create(approvals)
    audit_record(
        actor=admin,
        action="assessment.approve",
        object_type="assessment.scoreapproval",
        area_code=township.code,
        detail={"periods": [p.key for p in periods], "approvals": len(approvals)},
    )
    approved = len(approvals)
    return {
        "periods": len(periods),
        "scores": Score.objects.filter(township_code=township.code).count(),
        "below_80": scores.filter(below_threshold=True).count(),
        "talks": len(talks),
        "approvals": approved,
        "seconds": round(time.perf_counter() - started, 1),
    }
