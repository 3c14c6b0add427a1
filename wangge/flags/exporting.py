"""The flag and attention lists as XLSX exports (export-only kinds of ``wangge.imports``):
scoped like their pages, audited, ID numbers masked, every text cell formula-safe."""

from django.utils.translation import gettext_lazy as _

from wangge.flags.selectors import (
    AttentionFilters,
    FlagFilters,
    attention_households,
    attention_rows,
    flag_list,
)
from wangge.imports.kinds import (
    Column,
    ExportKind,
    area_names,
    area_parts,
    local_time,
    register,
)

CHUNK = 500


class FlagExport(ExportKind):
    """自付超过5万元的大病家庭可实时导出: the review queue's list, with its filters."""

    name = "flags"
    label = _("Risk flags")
    object_type = "flags.flag"

    def columns(self) -> list[Column]:
        return [
            Column("id", "风险编号", width=10),
            Column("head_name", "户主姓名"),
            Column("head_id", "户主身份证号（脱敏）", width=22, text=True),
            Column("village", "村"),
            Column("address", "地址", width=24),
            Column("rule", "规则", width=16),
            Column("status", "状态", width=12),
            Column("raised", "发现时间", width=18),
            Column("decided", "处理时间", width=18),
            Column("reason", "处理说明", width=30),
            Column("evidence", "依据行数", width=10),
            Column("plan", "帮扶计划编号", width=12),
        ]

    def export_queryset(self, *, user, params):
        filters = FlagFilters.from_params(params)
        return flag_list(user, filters).select_related("plan"), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        flags = list(queryset)
        names = area_names(f.area_code for f in flags)
        for flag in flags:
            plan = getattr(flag, "plan", None)
            yield [
                flag.pk,
                flag.household.head_name,
                flag.household.head_id_masked,
                area_parts(flag.area_code, names)[0],
                flag.household.address,
                flag.rule.name,
                str(flag.get_status_display()),
                local_time(flag.raised_at),
                local_time(flag.decided_at),
                flag.reason,
                len(flag.evidence),
                plan.pk if plan else "",
            ]


class AttentionExport(ExportKind):
    """重点关注: the attention list with its village, grid and status filters."""

    name = "attention"
    label = _("Attention list")
    object_type = "households.household"

    def columns(self) -> list[Column]:
        return [
            Column("id", "系统编号", width=10),
            Column("head_name", "户主姓名"),
            Column("head_id", "户主身份证号（脱敏）", width=22, text=True),
            Column("village", "村"),
            Column("grid", "网格", width=16),
            Column("address", "地址", width=24),
            Column("tags", "状态", width=24),
            Column("flags", "待处理风险", width=24),
            Column("paired", "结对党员", width=16),
            Column("last_visit", "最近走访", width=12),
        ]

    def export_queryset(self, *, user, params):
        filters = AttentionFilters.from_params(params)
        return attention_households(user, filters), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        households = list(queryset)
        for start in range(0, len(households), CHUNK):
            for row in attention_rows(households[start : start + CHUNK]):
                yield [
                    row.household.pk,
                    row.household.head_name,
                    row.household.head_id_masked,
                    row.village,
                    row.grid,
                    row.household.address,
                    "、".join(row.tags),
                    "、".join(row.flags),
                    "、".join(row.paired),
                    row.last_visit,
                ]


register(FlagExport())
register(AttentionExport())
