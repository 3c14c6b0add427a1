"""The notice ledger (通知台账) as an XLSX export (an export-only kind of ``wangge.imports``):
one row per notice and village it reached, with how many it reached, were delivered and opened
— counts only, never who has not read it (principle 4). Scoped like the staff notice list."""

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wangge.imports.kinds import Column, ExportKind, area_names, local_time, register
from wangge.notices.models import NoticeKind, Topic
from wangge.notices.selectors import NoticeFilters, notices_by_id, reach_rows

CHUNK = 500


class NoticeExport(ExportKind):
    name = "notices"
    label = _("Notice ledger")
    object_type = "notices.notice"
    by_period = True

    def columns(self) -> list[Column]:
        return [
            Column("id", "通知编号", width=10),
            Column("sent", "发送时间", width=18),
            Column("title", "标题", width=30),
            Column("kind", "类型", width=10),
            Column("topic", "主题", width=12),
            Column("urgent", "紧急", width=6),
            Column("from", "发送单位", width=14),
            Column("audience", "发送对象", width=24),
            Column("village", "村", width=14),
            Column("recipients", "接收人数", width=10),
            Column("delivered", "已送达", width=10),
            Column("opened", "已阅读", width=10),
        ]

    def export_queryset(self, *, user, params):
        filters = NoticeFilters.from_params(params)
        return reach_rows(user, filters), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        rows = list(queryset)
        kinds = {v: str(label) for v, label in NoticeKind.choices}
        topics = {v: str(label) for v, label in Topic.choices}
        yes = _g("yes")
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            notices = notices_by_id([r["notice_id"] for r in chunk])
            names = area_names(r["village"] for r in chunk)
            for row in chunk:
                notice = notices[row["notice_id"]]
                yield [
                    notice.pk,
                    local_time(notice.sent_at),
                    notice.title,
                    kinds.get(notice.kind, notice.kind),
                    topics.get(notice.topic, notice.topic),
                    yes if notice.urgent else "",
                    notice.area.name,
                    notice.audience_label,
                    names.get(row["village"], row["village"]),
                    row["recipients"],
                    row["delivered"],
                    row["opened"],
                ]


register(NoticeExport())
