"""The visit ledger (走访台账) as an XLSX export (an export-only kind of ``wangge.imports``):
scoped like the visit list, audited, every text cell formula-safe."""

from django.utils.translation import gettext_lazy as _

from wangge.imports.kinds import Column, ExportKind, area_names, area_parts, register
from wangge.visits.models import VisitKind
from wangge.visits.selectors import VisitFilters, filtered_visits


class VisitExport(ExportKind):
    name = "visits"
    label = _("Visit ledger")
    object_type = "visits.visit"
    by_period = True

    def columns(self) -> list[Column]:
        return [
            Column("id", "走访编号", width=10),
            Column("visited_on", "走访日期", width=12),
            Column("head_name", "户主姓名"),
            Column("village", "村"),
            Column("address", "地址", width=24),
            Column("kind", "走访类型", width=16),
            Column("member", "走访党员"),
            Column("found", "了解情况", width=30),
            Column("needs", "群众需求", width=30),
            Column("request", "转为诉求编号", width=12),
            Column("campaign", "所属活动", width=16),
        ]

    def export_queryset(self, *, user, params):
        filters = VisitFilters.from_params(params)
        return filtered_visits(user, filters).select_related("campaign"), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        visits = list(queryset)
        names = area_names(v.area_code for v in visits)
        kinds = {value: str(label) for value, label in VisitKind.choices}
        for visit in visits:
            yield [
                visit.pk,
                visit.visited_on,
                visit.household.head_name,
                area_parts(visit.area_code, names)[0],
                visit.household.address,
                kinds.get(visit.kind, visit.kind),
                visit.member.name if visit.member else "",
                visit.found,
                visit.needs,
                visit.need_request_id or "",
                visit.campaign.name if visit.campaign else "",
            ]


register(VisitExport())
