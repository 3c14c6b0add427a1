"""Assistance plans as an XLSX export (an export-only kind of ``wangge.imports``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.assistance.models import Measure, StepStatus
from wangge.assistance.selectors import PlanFilters, plan_list
from wangge.imports.kinds import Column, ExportKind, area_names, area_parts, register


class PlanExport(ExportKind):
    name = "plans"
    label = _("Assistance plans")
    object_type = "assistance.plan"

    def columns(self) -> list[Column]:
        return [
            Column("id", "计划编号", width=10),
            Column("head_name", "户主姓名"),
            Column("village", "村"),
            Column("address", "地址", width=24),
            Column("source", "来源", width=12),
            Column("needs", "帮扶需求", width=30),
            Column("measures", "帮扶措施", width=20),
            Column("responsible", "责任党员"),
            Column("steps", "步骤（完成/总数）", width=14),
            Column("status", "状态", width=10),
            Column("outcome", "结果", width=20),
            Column("opened", "开启日期", width=12),
            Column("closed", "关闭日期", width=12),
        ]

    def export_queryset(self, *, user, params):
        filters = PlanFilters.from_params(params)
        return plan_list(user, **vars(filters)).prefetch_related("steps"), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        plans = list(queryset)
        names = area_names(p.area_code for p in plans)
        measures = dict(Measure.choices)
        for plan in plans:
            steps = list(plan.steps.all())
            done = sum(1 for s in steps if s.status == StepStatus.DONE)
            source = plan.flag.rule.name if plan.flag else str(plan.get_source_display())
            yield [
                plan.pk,
                plan.household.head_name,
                area_parts(plan.area_code, names)[0],
                plan.household.address,
                source,
                plan.needs,
                "、".join(str(measures.get(m, m)) for m in plan.measures),
                plan.responsible.name if plan.responsible else "",
                f"{done}/{len(steps)}",
                str(plan.get_status_display()),
                str(plan.get_outcome_kind_display()) if plan.outcome_kind else "",
                timezone.localdate(plan.created_at),
                timezone.localdate(plan.closed_at) if plan.closed_at else "",
            ]


register(PlanExport())
