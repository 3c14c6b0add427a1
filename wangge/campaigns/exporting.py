"""Campaign ledgers as XLSX exports (export-only kinds of ``wangge.imports``): turn-outs
(出勤台账), acknowledgements of responsibility letters (承诺书确认台账) and the tasks of a
concentrated-assistance drive (集中帮扶任务台账). Scoped like their
pages, audited, every text cell formula-safe. The letter ledger lists who acknowledged which
version and when; it never lists who has not (principle 4)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import prefix_q, visible
from wangge.campaigns.drive import task_list
from wangge.campaigns.models import PledgeAck
from wangge.campaigns.selectors import campaign_list
from wangge.campaigns.turnouts import TurnoutFilters, turnout_list
from wangge.core.periods import ledger_area, ledger_id, ledger_scope
from wangge.imports.kinds import (
    Column,
    ExportKind,
    area_names,
    area_parts,
    local_time,
    register,
)
from wangge.regions.codes import VILLAGE_LENGTH


class TurnoutExport(ExportKind):
    name = "turnouts"
    label = _("Turn-out ledger")
    object_type = "campaigns.turnout"
    by_period = True

    def columns(self) -> list[Column]:
        return [
            Column("id", "出勤编号", width=10),
            Column("day", "日期", width=12),
            Column("campaign", "所属活动", width=18),
            Column("name", "姓名"),
            Column("party", "是否党员", width=8),
            Column("home", "所在村"),
            Column("team", "队伍", width=16),
            Column("section", "堤段", width=14),
            Column("village", "出勤地点（村）"),
            Column("hours", "时长（小时）", width=10),
            Column("task", "任务", width=24),
            Column("note", "备注", width=24),
            Column("own", "本人登记", width=8),
        ]

    def export_queryset(self, *, user, params):
        filters = TurnoutFilters.from_params(params)
        return turnout_list(user, filters), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        rows = list(queryset)
        codes = {t.area_code[:VILLAGE_LENGTH] for t in rows} | {t.home_code for t in rows}
        names = area_names(codes)
        for t in rows:
            yield [
                t.pk,
                t.day,
                t.campaign.name,
                t.worker.name,
                "是" if t.member_id else "否",
                names.get(t.home_code, t.home_code),
                t.team.name if t.team else "",
                t.section.name if t.section else "",
                names.get(t.area_code[:VILLAGE_LENGTH], t.area_code),
                float(t.hours),
                t.task,
                t.note,
                "是" if t.self_reported else "",
            ]


@dataclass
class PledgeFilters:
    area_code: str = ""
    period: str = ""
    campaign: str = ""


class PledgeExport(ExportKind):
    name = "pledges"
    label = _("Responsibility-letter acknowledgements")
    object_type = "campaigns.pledgeack"
    by_period = True

    def columns(self) -> list[Column]:
        return [
            Column("campaign", "所属活动", width=18),
            Column("version", "承诺书版本", width=10),
            Column("name", "党员姓名"),
            Column("village", "村"),
            Column("at", "确认时间", width=18),
        ]

    def export_queryset(self, *, user, params):
        area_code, period = ledger_scope(params)
        campaign = ledger_id(params, "campaign")
        qs = visible(
            PledgeAck.objects.filter(pledge__campaign__in=campaign_list(user)), user
        ).select_related("pledge__campaign", "member")
        if area_code:
            qs = qs.filter(prefix_q("area_code", area_code))
        if period:
            qs = qs.filter(acknowledged_at__gte=period.start_at, acknowledged_at__lt=period.end_at)
        if campaign is not None:
            qs = qs.filter(pledge__campaign_id=campaign)
        filters = PledgeFilters(area_code, period.key if period else "", campaign)
        return qs.order_by("pledge__campaign_id", "pledge__version", "area_code", "id"), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        rows = list(queryset)
        names = area_names({a.area_code[:VILLAGE_LENGTH] for a in rows})
        for ack in rows:
            yield [
                ack.pledge.campaign.name,
                ack.pledge.version,
                ack.member.name,
                names.get(ack.area_code[:VILLAGE_LENGTH], ""),
                local_time(ack.acknowledged_at),
            ]


@dataclass
class DriveTaskFilters:
    area_code: str = ""
    campaign: str = ""
    which: str = ""


class DriveTaskExport(ExportKind):
    name = "drive-tasks"
    label = _("Concentrated-assistance drive tasks")
    object_type = "campaigns.drivetask"

    def columns(self) -> list[Column]:
        return [
            Column("campaign", "帮扶活动", width=18),
            Column("village", "村"),
            Column("hamlet", "自然村"),
            Column("head", "户主"),
            Column("address", "住址", width=24),
            Column("reason", "列入原因", width=16),
            Column("member", "负责党员"),
            Column("state", "状态", width=8),
            Column("done_at", "完成时间", width=18),
            Column("note", "帮扶情况", width=30),
        ]

    def export_queryset(self, *, user, params):
        area = ledger_area(params)
        campaign = ledger_id(params, "campaign")
        which = params.get("which") or ""
        which = which if which in {"open", "done", "unassigned"} else ""
        qs = task_list(user)
        if area:
            qs = qs.filter(prefix_q("area_code", area))
        if campaign is not None:
            qs = qs.filter(campaign_id=campaign)
        if which == "open":
            qs = qs.filter(done_at__isnull=True)
        elif which == "done":
            qs = qs.filter(done_at__isnull=False)
        elif which == "unassigned":
            qs = qs.filter(member__isnull=True)
        return qs, DriveTaskFilters(area, campaign, which)

    def export_rows(self, queryset, *, unmasked: bool = False):
        rows = list(queryset)
        names = area_names({t.area_code for t in rows})
        for task in rows:
            village, hamlet, _group = area_parts(task.area_code, names)
            yield [
                task.campaign.name,
                village,
                hamlet,
                task.household.head_name,
                task.household.address,
                task.reason,
                task.member.name if task.member else "",
                "已完成" if task.done_at else "未完成",
                local_time(task.done_at),
                task.done_note,
            ]


register(TurnoutExport())
register(PledgeExport())
register(DriveTaskExport())
