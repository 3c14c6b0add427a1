"""Councils with their rosters as an XLSX export (议事会花名册): one row per seat, a council
without a roster as one row. Scoped like the councils' pages (the office roles), audited, phones
masked, every text cell formula-safe."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from wangge.core.periods import ledger_area
from wangge.grids.councils import council_list
from wangge.grids.models import CouncilSeat
from wangge.imports.kinds import Column, ExportKind, area_names, area_parts, register


@dataclass
class CouncilFilters:
    area_code: str = ""


class CouncilExport(ExportKind):
    name = "councils"
    label = _("Councils and their rosters")
    object_type = "party.organisation"

    def columns(self) -> list[Column]:
        return [
            Column("council", "议事会", width=22),
            Column("village", "村"),
            Column("hamlet", "自然村"),
            Column("seats", "成员人数", width=8),
            Column("name", "成员姓名"),
            Column("role", "职务", width=10),
            Column("party", "是否党员", width=8),
            Column("phone", "联系电话", width=14, text=True),
        ]

    def export_queryset(self, *, user, params):
        area_code = ledger_area(params)
        seats = CouncilSeat.objects.select_related("person", "member").order_by("id")
        qs = council_list(user, area_code=area_code).prefetch_related(
            Prefetch("seats", queryset=seats)
        )
        return qs, CouncilFilters(area_code)

    def export_rows(self, queryset, *, unmasked: bool = False):
        councils = list(queryset)
        names = area_names({c.area_code for c in councils})
        for council in councils:
            village, hamlet, _group = area_parts(council.area_code, names)
            seats = list(council.seats.all())
            head = [council.name, village, hamlet, len(seats)]
            if not seats:
                yield [*head, "", "", "", ""]
            for seat in seats:
                who = seat.member or seat.person
                yield [
                    *head,
                    who.name,
                    seat.role,
                    "是" if seat.member_id else "否",
                    who.phone_masked,
                ]


register(CouncilExport())
