"""The request ledger (诉求台账) as an XLSX export (an export-only kind of ``wangge.imports``):
one row per request as the list shows it, and a second sheet with every timeline row of those
requests. Scoped like the list, audited, phones masked, every text cell formula-safe."""

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wangge.appeals.models import AppealEvent, Channel, EventKind, Rating, State
from wangge.appeals.selectors import RequestFilters, filtered_requests
from wangge.imports.kinds import (
    Column,
    ExportKind,
    area_names,
    area_parts,
    local_time,
    register,
)

CHUNK = 500


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


class RequestExport(ExportKind):
    name = "requests"
    label = _("Request ledger")
    object_type = "appeals.appeal"
    by_period = True

    def columns(self) -> list[Column]:
        return [
            Column("ticket", "诉求编号", width=14, text=True),
            Column("submitted", "提交时间", width=18),
            Column("village", "村"),
            Column("category", "诉求类别", width=14),
            Column("text", "诉求内容", width=40),
            Column("contact", "联系人"),
            Column("phone", "联系电话（脱敏）", width=16, text=True),
            Column("channel", "来源渠道", width=14),
            Column("urgent", "紧急", width=6),
            Column("state", "状态", width=10),
            Column("level", "当前网格层级", width=8),
            Column("escalations", "升级次数", width=8),
            Column("assignee", "承办人"),
            Column("accept_due", "受理时限", width=18),
            Column("resolve_due", "办结时限", width=18),
            Column("accepted", "受理时间", width=18),
            Column("resolved", "办结时间", width=18),
            Column("rating", "群众评价", width=12),
        ]

    def event_columns(self) -> list[Column]:
        return [
            Column("ticket", "诉求编号", width=14, text=True),
            Column("at", "时间", width=18),
            Column("kind", "事项", width=12),
            Column("from", "原状态", width=10),
            Column("to", "新状态", width=10),
            Column("actor", "经办人"),
            Column("level", "网格层级", width=8),
            Column("grid", "网格", width=16),
            Column("assignee", "承办党员"),
            Column("due", "时限", width=18),
            Column("rating", "评价", width=12),
            Column("note", "说明", width=40),
        ]

    def export_queryset(self, *, user, params):
        filters = RequestFilters.from_params(params)
        return filtered_requests(user, filters), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        appeals = list(queryset)
        names = area_names(a.area_code for a in appeals)
        states, ratings, channels = _labels(State), _labels(Rating), _labels(Channel)
        yes = _g("yes")
        for appeal in appeals:
            member, staff = appeal.assignee_member, appeal.assignee_user
            yield [
                appeal.ticket,
                local_time(appeal.created_at),
                area_parts(appeal.area_code, names)[0] or appeal.area.name,
                appeal.category.name if appeal.category else "",
                appeal.text,
                appeal.contact_name,
                appeal.contact_phone_masked,
                channels.get(appeal.channel, appeal.channel),
                yes if appeal.urgent else "",
                states.get(appeal.state, appeal.state),
                appeal.level or "",
                appeal.escalation_count,
                (member.name if member else "") or (str(staff) if staff else ""),
                local_time(appeal.accept_due_at),
                local_time(appeal.resolve_due_at),
                local_time(appeal.accepted_at),
                local_time(appeal.resolved_at),
                ratings.get(appeal.rating, ""),
            ]

    def extra_sheets(self, queryset):
        columns = [c.sheet_column() for c in self.event_columns()]
        return [("诉求办理过程", columns, self._event_rows(queryset))]

    def _event_rows(self, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        kinds, states, ratings = _labels(EventKind), _labels(State), _labels(Rating)
        for start in range(0, len(ids), CHUNK):
            events = (
                AppealEvent.objects.filter(appeal_id__in=ids[start : start + CHUNK])
                .select_related("appeal", "actor", "grid", "assignee_member")
                .only(
                    "at",
                    "kind",
                    "from_state",
                    "to_state",
                    "level",
                    "due_at",
                    "rating",
                    "note",
                    "actor_kind",
                    "appeal__ticket",
                    "actor__username",
                    "actor__display_name",
                    "grid__name",
                    "assignee_member__name",
                )
                .order_by("appeal__created_at", "appeal_id", "at", "id")
            )
            for event in events:
                yield [
                    event.appeal.ticket,
                    local_time(event.at),
                    kinds.get(event.kind, event.kind),
                    states.get(event.from_state, ""),
                    states.get(event.to_state, ""),
                    str(event.actor) if event.actor else event.get_actor_kind_display(),
                    event.level or "",
                    event.grid.name if event.grid else "",
                    event.assignee_member.name if event.assignee_member else "",
                    local_time(event.due_at),
                    ratings.get(event.rating, ""),
                    event.note,
                ]


register(RequestExport())
