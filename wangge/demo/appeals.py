"""A year of residents' requests across every village, with timelines that follow the rules.

Deterministic from the seed. Most requests are accepted in time, resolved and rated
satisfied; some were accepted late and escalated automatically, some escalated by hand, some
rated unsatisfied (reopened once, escalated, resolved again); a few are still open today.
Rows are written with ``bulk_create``; the timeline rows carry the deadlines that applied.
"""

import datetime
import random

from django.utils import timezone

from wangge.accounts.models import User
from wangge.appeals.categories import categories_for
from wangge.appeals.deadlines import accept_due, resolve_due
from wangge.appeals.models import (
    ActorKind,
    Appeal,
    AppealEvent,
    Channel,
    EventKind,
    Rating,
    State,
)
from wangge.appeals.services import TICKET_ALPHABET, phone_index
from wangge.core.identity import mask_phone
from wangge.demo import vocabulary as V
from wangge.grids.models import Grid, GridHousehold
from wangge.regions.codes import township_of

TEXTS = {
    "water": [
        "家里自来水停了两天，一直没来水，老人做饭都成问题",
        "水龙头出来的水发黄，担心不干净，能不能派人看看",
        "组里的饮水主管道破裂，路上都是水",
        "用水高峰水压太低，二楼上不去水",
    ],
    "roads": [
        "村口小桥的护栏断了，晚上走路很危险",
        "通组道路有个大坑，下雨积水电动车过不去",
        "路灯坏了好几盏，晚上出门很黑",
        "田间机耕路被雨水冲毁，收割机进不了田",
    ],
    "subsidies": [
        "去年的耕地地力保护补贴还没收到，想问问原因",
        "想了解低保申请需要准备什么材料",
        "老人的高龄津贴这个月没有发放",
        "危房改造补助什么时候能到位",
    ],
    "disputes": [
        "邻居盖房子占了我家宅基地，想请村里调解",
        "和邻居因为排水沟的事闹矛盾，希望村里出面协调",
        "承包地边界有争议，需要重新丈量",
        "邻居家的狗经常追咬路人，说了不听",
    ],
    "health": [
        "家里老人行动不便，想申请家庭医生上门服务",
        "慢性病门诊费用报销不知道怎么办理",
        "医保缴费后系统里查不到缴费记录",
        "孩子疫苗接种时间想咨询一下",
    ],
    "elderly": [
        "独居老人腿脚不好，需要有人定期上门看看",
        "老人想去乡敬老院，不知道怎么申请",
        "子女在外打工，希望网格员多关照家里老人",
        "老人不会用智能手机，养老金资格认证不会弄",
    ],
    "environment": [
        "垃圾桶满了好几天没人清运，气味很大",
        "河塘里漂了很多垃圾，夏天有臭味",
        "有人在路边焚烧秸秆，烟很大",
        "组里的公共厕所损坏，需要维修",
    ],
    "housing": [
        "老房子墙体开裂，下雨漏水，担心不安全",
        "大风把屋顶瓦片吹掉了，家里只有两位老人",
        "想了解危房鉴定的结果",
    ],
    "jobs": [
        "在县城工地干活，工钱被拖欠三个月",
        "想报名参加乡里的技能培训",
        "家里有劳动力，想在附近找份工作",
    ],
    "hazard": [
        "电线杆倾斜，电线垂得很低，孩子上学要经过",
        "路边变压器冒烟，有焦味",
        "山塘堤坝有渗水，担心汛期出事",
    ],
    "other": [
        "户口迁移手续想咨询一下",
        "建议在组里修一个小广场，方便老人活动",
    ],
}
RESOLUTIONS = {
    "water": ["已联系水厂抢修，当天恢复供水", "已更换破损水管，水质经检测合格"],
    "roads": ["已安排维修，护栏已修复", "已填平路面坑洼，路灯已更换"],
    "subsidies": ["已核实，补贴已补发到账", "已上门讲解申请材料并协助提交"],
    "disputes": ["已组织双方调解，达成书面协议", "已现场丈量，双方认可边界"],
    "health": ["已联系村医签约家庭医生，每月上门一次", "已协助办理慢病报销"],
    "elderly": ["已安排党员结对，每周上门看望", "已协助完成养老金认证"],
    "environment": ["已通知保洁员清运，并增加清运次数", "已组织清理河塘垃圾"],
    "housing": ["已上报危房改造，先行加固屋顶", "已请鉴定机构复核并告知结果"],
    "jobs": ["已协调劳动监察，工资已全部结清", "已登记培训报名"],
    "hazard": ["已通知供电所当天处置，隐患排除", "已组织巡查并加固堤坝"],
    "other": ["已答复并协助办理", "建议已转村两委会议研究"],
}
CATEGORY_WEIGHTS = {
    "water": 14,
    "roads": 16,
    "subsidies": 14,
    "disputes": 10,
    "health": 10,
    "elderly": 12,
    "environment": 10,
    "housing": 5,
    "jobs": 5,
    "hazard": 2,
    "other": 2,
}
CHANNEL_WEIGHTS = {
    Channel.MEMBER: 45,
    Channel.VISIT: 20,
    Channel.PUBLIC_QR: 25,
    Channel.PHONE_LINE: 10,
}
# About one request a year for every eight households.
HOUSEHOLDS_PER_REQUEST = 8


def _ticket(rng: random.Random, day: datetime.date, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(TICKET_ALPHABET) for _i in range(5))
        ticket = f"{day:%y%m%d}-{code}"
        if ticket not in used:
            used.add(ticket)
            return ticket


def build_demo_requests(seed: int, *, today: datetime.date | None = None) -> int:
    """Create the demo requests for the demo township; returns how many."""
    rng = random.Random(f"{seed}:appeals")
    township = V.TOWNSHIP[0]
    categories = {c.slug: c for c in categories_for(township)}
    grids = {
        g["id"]: g
        for g in Grid.objects.filter(township_code=township, layer__has_levels=True).values(
            "id", "level", "parent_id", "responsible_id"
        )
    }
    user_of = dict(User.objects.filter(member__isnull=False).values_list("member_id", "id"))
    placed = list(
        GridHousehold.objects.filter(layer__has_levels=True, household__township_code=township)
        .order_by("household_id")
        .values_list(
            "household_id",
            "grid_id",
            "household__area_id",
            "household__head_name",
            "household__address",
        )
    )
    if not placed or not categories:
        return 0

    def route(grid_id):
        seen = set()
        current = grid_id
        while current is not None and current not in seen:
            seen.add(current)
            if grids[current]["responsible_id"]:
                return current
            current = grids[current]["parent_id"]
        return grid_id

    def up(grid_id):
        parent = grids[grid_id]["parent_id"]
        return route(parent) if parent else None

    now = timezone.now()
    end = timezone.make_aware(
        datetime.datetime.combine(today or timezone.localdate(), datetime.time(9))
    )
    end = min(end, now)
    slugs = list(CATEGORY_WEIGHTS)
    weights = [CATEGORY_WEIGHTS[s] for s in slugs]
    channels = list(CHANNEL_WEIGHTS)
    channel_weights = list(CHANNEL_WEIGHTS.values())
    n = max(30, len(placed) // HOUSEHOLDS_PER_REQUEST)
    used: set[str] = set()
    requests: list[Appeal] = []
    plans: list[list[dict]] = []
    for i in range(n):
        household_id, grid_id, area_code, head_name, address = rng.choice(placed)
        slug = rng.choices(slugs, weights)[0]
        category = categories[slug]
        # A few from the last days are still open today.
        days_ago = rng.uniform(0, 4) if i % 40 == 0 else rng.random() ** 0.9 * 365
        created = end - datetime.timedelta(days=days_ago)
        created = created.replace(hour=rng.randint(7, 19), minute=rng.randint(0, 59))
        created = min(created, end)
        channel = rng.choices(channels, channel_weights)[0]
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        grid = route(grid_id)
        member = grids[grid]["responsible_id"]
        accept_by = accept_due(category, created)
        resolve_by = resolve_due(category, created)
        req = Appeal(
            ticket=_ticket(rng, timezone.localdate(created), used),
            household_id=household_id,
            grid_id=grid,
            level=grids[grid]["level"],
            origin_level=grids[grid]["level"],
            category=category,
            text=rng.choice(TEXTS[slug]),
            address=address,
            contact_name=head_name,
            contact_phone=phone,
            contact_phone_masked=mask_phone(phone),
            blind_index=phone_index(phone),
            channel=channel,
            urgent=category.urgent,
            assignee_member_id=member,
            assignee_user_id=user_of.get(member),
            accept_due_at=accept_by,
            resolve_due_at=resolve_by,
            due_at=accept_by,
            created_at=created,
            area_id=area_code,
            area_code=area_code,
            township_code=township_of(area_code),
            idempotency_key=f"demo:{seed}:{i}",
        )
        events = [
            dict(
                kind=EventKind.CREATED,
                to_state=State.SUBMITTED,
                at=created,
                due_at=accept_by,
                actor_kind=ActorKind.RESIDENT if channel == Channel.PUBLIC_QR else ActorKind.USER,
                actor_id=None if channel == Channel.PUBLIC_QR else user_of.get(member),
            )
        ]
        _story(rng, req, events, slug, end, up, grids, user_of)
        requests.append(req)
        plans.append(events)
    Appeal.objects.bulk_create(requests, batch_size=500)
    rows = []
    for req, events in zip(requests, plans, strict=True):
        for e in events:
            rows.append(
                AppealEvent(
                    appeal=req,
                    area_code=req.area_code,
                    township_code=req.township_code,
                    **e,
                )
            )
    AppealEvent.objects.bulk_create(rows, batch_size=1000)
    return len(requests)


def _story(rng, req, events, slug, end, up, grids, user_of) -> None:
    """Append the timeline of one request and set its columns to match where it ends."""
    state = State.SUBMITTED
    at = req.created_at
    grid = req.grid_id
    member = req.assignee_member_id
    category = req.category

    def ev(kind, **kw):
        events.append(
            dict(
                kind=kind,
                at=kw.pop("at", at),
                level=grids[grid]["level"] if grid else None,
                grid_id=grid,
                assignee_member_id=member,
                actor_id=kw.pop("actor_id", user_of.get(member)),
                actor_kind=kw.pop("actor_kind", ActorKind.USER),
                **kw,
            )
        )

    events[0].update(level=req.level, grid_id=grid, assignee_member_id=member)
    late = rng.random() < 0.08
    if late and up(grid) is not None and req.accept_due_at < end:
        at = req.accept_due_at
        grid = up(grid)
        member = grids[grid]["responsible_id"]
        due = accept_due(category, at)
        req.escalation_count += 1
        ev(
            EventKind.ESCALATED,
            from_state=state,
            to_state=state,
            automatic=True,
            due_at=due,
            actor_id=None,
            actor_kind=ActorKind.SYSTEM,
            note="时限已过，自动上报",
        )
        req.due_at = due
        accept_after = at + datetime.timedelta(hours=rng.uniform(1, 20))
    else:
        accept_after = at + (req.accept_due_at - at) * rng.uniform(0.05, 0.9)
    if accept_after >= end:
        _finish(req, state, grid, member, grids, user_of)
        return
    at = accept_after
    state = State.ACCEPTED
    req.accepted_at = at
    req.due_at = req.resolve_due_at
    ev(EventKind.ACCEPTED, from_state=State.SUBMITTED, to_state=state, due_at=req.resolve_due_at)
    start = at + datetime.timedelta(hours=rng.uniform(0.5, 24))
    if start >= end:
        _finish(req, state, grid, member, grids, user_of)
        return
    at = start
    ev(EventKind.STARTED, from_state=state, to_state=State.IN_PROGRESS)
    state = State.IN_PROGRESS
    if rng.random() < 0.05 and up(grid) is not None:
        grid = up(grid)
        member = grids[grid]["responsible_id"]
        at = at + datetime.timedelta(hours=rng.uniform(2, 30))
        req.escalation_count += 1
        ev(
            EventKind.ESCALATED,
            from_state=state,
            to_state=state,
            note="需要村里协调解决",
            due_at=req.resolve_due_at,
            actor_id=user_of.get(events[-1]["assignee_member_id"]),
        )
    span = (req.resolve_due_at - req.created_at).total_seconds()
    resolved = at + datetime.timedelta(seconds=span * rng.uniform(0.1, 0.75))
    if resolved >= end:
        _finish(req, state, grid, member, grids, user_of)
        return
    at = resolved
    ev(
        EventKind.RESOLVED,
        from_state=state,
        to_state=State.RESOLVED,
        note=rng.choice(RESOLUTIONS[slug]),
        due_at=req.resolve_due_at,
    )
    state = State.RESOLVED
    req.resolved_at = at
    req.due_at = None
    roll = rng.random()
    rated = at + datetime.timedelta(hours=rng.uniform(2, 72))
    if rated >= end:
        _finish(req, state, grid, member, grids, user_of)
        return
    at = rated
    if roll < 0.05:
        # Unsatisfied: reopened once, escalated one level, resolved again, rated.
        ev(
            EventKind.RATED,
            from_state=state,
            to_state=State.RATED,
            rating=Rating.UNSATISFIED,
            actor_id=None,
            actor_kind=ActorKind.RESIDENT,
            note="问题没有彻底解决",
        )
        due = resolve_due(category, at)
        ev(
            EventKind.REOPENED,
            from_state=State.RATED,
            to_state=State.IN_PROGRESS,
            due_at=due,
            actor_id=None,
            actor_kind=ActorKind.RESIDENT,
            note="群众不满意，重新办理并上报一级",
        )
        req.reopen_count = 1
        req.resolve_due_at = due
        state = State.IN_PROGRESS
        target = up(grid)
        if target is not None:
            grid, member = target, grids[target]["responsible_id"]
            req.escalation_count += 1
            ev(
                EventKind.ESCALATED,
                from_state=state,
                to_state=state,
                automatic=True,
                actor_id=None,
                actor_kind=ActorKind.SYSTEM,
                note="群众评价不满意",
                due_at=due,
            )
        again = at + datetime.timedelta(days=rng.uniform(1, 4))
        if again >= end:
            req.resolved_at = None
            req.due_at = due
            _finish(req, state, grid, member, grids, user_of)
            return
        at = again
        ev(
            EventKind.RESOLVED,
            from_state=state,
            to_state=State.RESOLVED,
            note=rng.choice(RESOLUTIONS[slug]),
            due_at=due,
        )
        req.resolved_at = at
        req.due_at = None
        at = at + datetime.timedelta(hours=rng.uniform(2, 48))
        if at >= end:
            _finish(req, State.RESOLVED, grid, member, grids, user_of)
            return
        rating = rng.choice([Rating.BASICALLY, Rating.SATISFIED, Rating.UNSATISFIED])
    elif roll < 0.97:
        rating = Rating.SATISFIED if rng.random() < 0.85 else Rating.BASICALLY
    else:
        rating = ""  # never rated: closed by staff after a week
    if rating:
        ev(
            EventKind.RATED,
            from_state=State.RESOLVED,
            to_state=State.RATED,
            rating=rating,
            actor_id=None,
            actor_kind=ActorKind.RESIDENT,
        )
        req.rating = rating
        req.rated_at = at
        state = State.RATED
    close = at + datetime.timedelta(days=rng.uniform(0.5, 7))
    if close < end:
        at = close
        ev(EventKind.CLOSED, from_state=state, to_state=State.CLOSED)
        state = State.CLOSED
        req.closed_at = at
    _finish(req, state, grid, member, grids, user_of)


def _finish(req, state, grid, member, grids, user_of) -> None:
    req.state = state
    req.grid_id = grid
    req.level = grids[grid]["level"] if grid else None
    req.assignee_member_id = member
    req.assignee_user_id = user_of.get(member)
    if state not in (State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS):
        req.due_at = None
