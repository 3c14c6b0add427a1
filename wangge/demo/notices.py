"""Notices out, feedback back, as Liangquan used them: the township's notices on the straw-
burning ban (the county's 2021 plan), forest-fire prevention in the hill villages, 低保 policy
and the grid scheme, a village's own notice; members' feedback with the replies, one turned
into a request and one into an opinion of the thousand-members visit.

Everything goes through the notices services (audience, receipts, audit); only the dates are
moved back afterwards, and a share of each notice marked opened, as a year of use would leave.
"""

import datetime
import random

from django.utils import timezone

from wangge.accounts.models import Role, User
from wangge.appeals.categories import categories_for
from wangge.campaigns.models import Campaign
from wangge.demo import vocabulary as V
from wangge.grids.models import Grid, GridLayer
from wangge.notices.audience import Targets
from wangge.notices.models import Delivery, Feedback, Reply
from wangge.notices.services import (
    feedback_close,
    feedback_create,
    feedback_reply,
    feedback_to_opinion,
    feedback_to_request,
    notice_send,
)
from wangge.regions.models import Region

HILL_VILLAGES = ["340827200202", "340827200203", "340827200204"]  # 横山、凤林、团山

# days ago, sender (township or a village code), kind, topic, title, body, audience, by text,
# share opened
NOTICES = [
    (
        300,
        "township",
        "notice",
        "safety",
        "关于严格落实秸秆禁烧工作的通知",
        "各村（社区）党组织、全体党员：\n根据县委、县政府2021年秸秆禁烧工作方案，秋收期间全域"
        "禁止露天焚烧秸秆。请各网格党员包片包户宣传到位，引导群众秸秆粉碎还田或交售离田；"
        "发现火点立即报告村网格长。乡农业综合服务中心提供秸秆粉碎机免费预约。",
        ("everyone",),
        True,
        0.78,
    ),
    (
        200,
        "township",
        "notice",
        "safety",
        "关于做好冬春森林防火工作的通知",
        "横山、凤林、团山等山区村：冬春季节天干物燥，进山严禁携带火种，严禁野外用火。"
        "请党员配合护林员做好重点时段巡查，清明祭扫期间倡导文明祭扫。",
        ("villages", HILL_VILLAGES),
        True,
        0.71,
    ),
    (
        150,
        "township",
        "policy",
        "assistance",
        "低保政策宣传：申请条件、办理流程和监督电话",
        "农村最低生活保障面向家庭人均收入低于当地低保标准、且财产状况符合规定的家庭。"
        "申请人向村（社区）提出书面申请，经入户调查、民主评议、乡审核、县审批后公示。"
        "请党员在走访中留意困难家庭，帮助符合条件的群众申请；评议过程全程公开，接受监督。",
        ("everyone",),
        False,
        0.66,
    ),
    (
        125,
        "township",
        "campaign",
        "grid",
        "“千名党员大走访”活动动员",
        "全乡党员按网格联系户开展大走访，听取群众意见建议，走访中收集的意见将分类办理、"
        "限时反馈。请各村党组织组织好本村党员。",
        ("everyone",),
        False,
        0.74,
    ),
    (
        100,
        "township",
        "notice",
        "grid",
        "关于全面推行党员联系户网格化服务的通知",
        "全乡实行乡、村、组、户四级网格，每名党员联系若干农户，做到“群众有事找得到人”。"
        "请各村书记于本月底前核对网格名单和联系户，年纪大、行动不便的党员可适当少分户。",
        ("grid",),
        False,
        0.69,
    ),
    (
        40,
        V.HUBIN,
        "notice",
        "livelihood",
        "湖滨村关于清理沟渠、迎接汛期的通知",
        "各组党员：汛期将至，请于本周内组织本组群众清理房前屋后沟渠，堵塞严重的报村委会统一安排机械。",
        ("everyone",),
        False,
        0.6,
    ),
]

# village, member login number, notice index or None, addressed to, topic, subject, text,
# replies (by "staff" or "author"), then what staff did ("close", "request", "opinion" or None)
THREADS = [
    (
        V.HUBIN,
        1,
        0,
        "township",
        "safety",
        "",
        "秸秆不让烧了，粉碎还田的机器到哪里借？",
        [
            ("staff", "乡农业综合服务中心有秸秆粉碎机，到村委会登记即可免费预约使用。"),
            ("author", "谢谢，已经登记了。"),
        ],
        "close",
    ),
    (
        "340827200201",
        1,
        2,
        "township",
        "assistance",
        "",
        "我们组有一户独居老人，收入很低，还没有申请低保，能不能上门帮他办理？",
        [("staff", "收到，已转为群众诉求，由村里上门核实后帮助申请。")],
        "request",
    ),
    (
        V.HUBIN,
        2,
        None,
        "township",
        "safety",
        "清明祭扫防火建议",
        "清明祭扫时后山坟地容易起火，建议设防火检查点，发放文明祭扫倡议。",
        [("staff", "谢谢建议，已作为大走访意见登记，交乡林业站研究。")],
        "opinion",
    ),
    (
        "340827200202",
        1,
        1,
        "township",
        "safety",
        "",
        "护林员人手不够，能否让党员轮流巡山？",
        [("staff", "好建议，乡林业站正在排班，欢迎党员到村委会报名。")],
        None,
    ),
    (
        "340827200203",
        2,
        None,
        "village",
        "grid",
        "联系户名单公示",
        "党员联系户名单能不能在村务公开栏公示？群众好知道有事找谁。",
        [("staff", "下周一在村务公开栏公示，也会贴到各组。")],
        None,
    ),
    (
        V.HUBIN,
        3,
        5,
        "village",
        "livelihood",
        "",
        "三组沟渠堵得厉害，人工清不动，需要挖机。",
        [("staff", "已联系挖机，周六上午到三组清理。"), ("author", "好的，我通知组里。")],
        None,
    ),
    (
        "340827200204",
        1,
        None,
        "township",
        "assistance",
        "低保年审材料",
        "低保年审需要带哪些材料？",
        [],
        None,
    ),
    (
        "340827200207",
        1,
        4,
        "township",
        "grid",
        "",
        "我年纪大了，联系十户有些吃力，能否少分几户？",
        [("staff", "已请村里调整为五户，其余由年轻党员联系。")],
        None,
    ),
]


def _targets(spec, township: Region) -> Targets | None:
    if spec[0] == "everyone":
        return Targets(everyone=True)
    if spec[0] == "villages":
        areas = list(Region.objects.filter(code__in=spec[1]).order_by("code"))
        return Targets(areas=areas) if areas else None
    service = GridLayer.objects.filter(has_levels=True).order_by("sort").first()
    return Targets(layers=[service] if service else [], roles=[Role.VILLAGE_SECRETARY])


def _at(base: datetime.datetime, rng: random.Random, hours: float) -> datetime.datetime:
    return base + datetime.timedelta(hours=hours, minutes=rng.randint(0, 59))


def notices_demo_load(*, seed: int, today: datetime.date) -> dict:
    """Send the notices and write the feedback threads; returns the counts."""
    rng = random.Random(f"{seed}:notices")
    township = Region.objects.get(code=V.TOWNSHIP[0])
    admin = User.objects.filter(username="township-admin").first()
    if admin is None:
        return {"notices": 0, "feedback": 0}
    now = min(
        timezone.now(),
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(9))),
    )
    notices = []
    for days, sender, kind, topic, title, body, spec, by_sms, share in NOTICES:
        actor = (
            admin
            if sender == "township"
            else User.objects.filter(username=f"secretary-{sender}").first()
        )
        area = township if sender == "township" else Region.objects.filter(code=sender).first()
        targets = _targets(spec, township)
        if actor is None or area is None or targets is None:
            notices.append(None)
            continue
        notice = notice_send(
            actor=actor,
            area=area,
            title=title,
            body=body,
            kind=kind,
            topic=topic,
            targets=targets,
            by_sms=by_sms,
        )
        sent = (now - datetime.timedelta(days=days)).replace(hour=rng.randint(8, 10))
        notice.sent_at = sent
        notice.save(update_fields=["sent_at"])
        deliveries = list(Delivery.objects.filter(notice=notice).order_by("pk"))
        for delivery in deliveries:
            delivery.delivered_at = sent
            if rng.random() < share:
                delivery.opened_at = _at(sent, rng, rng.expovariate(1 / 20))
        Delivery.objects.bulk_update(deliveries, ["delivered_at", "opened_at"], batch_size=1000)
        notices.append(notice)
    written = 0
    for village, n, notice_index, to, topic, subject, text, replies, action in THREADS:
        author = User.objects.filter(username=f"member-{village}-{n}", member__isnull=False).first()
        notice = notices[notice_index] if notice_index is not None else None
        if author is None or (notice_index is not None and notice is None):
            continue
        feedback = feedback_create(
            actor=author, subject=subject, text=text, topic=topic, addressed_to=to, notice=notice
        )
        staff = (
            admin
            if to == "township"
            else User.objects.filter(username=f"secretary-{village}").first()
        )
        start = notice.sent_at if notice else now - datetime.timedelta(days=rng.randint(20, 90))
        written_at = _at(start, rng, rng.randint(24, 72))
        Feedback.objects.filter(pk=feedback.pk).update(created_at=written_at, updated_at=written_at)
        at = written_at
        for who, reply_text in replies:
            actor = staff if who == "staff" else author
            if actor is None:
                break
            reply = feedback_reply(actor=actor, feedback=feedback, text=reply_text)
            at = _at(at, rng, rng.randint(3, 30))
            Reply.objects.filter(pk=reply.pk).update(created_at=at)
        Feedback.objects.filter(pk=feedback.pk).update(updated_at=at)
        feedback.refresh_from_db()
        if action == "close" and staff is not None:
            feedback_close(actor=staff, feedback=feedback)
        elif action == "request" and staff is not None:
            grid = (
                Grid.objects.filter(area_code__startswith=village, layer__has_levels=True)
                .exclude(level=4)
                .order_by("-level", "pk")
                .first()
            )
            category = categories_for(township.code).filter(slug="subsidies").first()
            if grid is not None:
                feedback_to_request(actor=staff, feedback=feedback, grid=grid, category=category)
        elif action == "opinion" and staff is not None:
            campaign = (
                Campaign.objects.filter(township_code=township.code, collects_opinions=True)
                .order_by("-starts_on")
                .first()
            )
            if campaign is not None:
                feedback_to_opinion(actor=staff, feedback=feedback, campaign=campaign)
        Feedback.objects.filter(pk=feedback.pk).update(updated_at=at)
        written += 1
    return {"notices": sum(1 for n in notices if n is not None), "feedback": written}
