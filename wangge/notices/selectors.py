"""Reads of notices and feedback, always given the user and scoped.

A notice is readable by its recipients and by the staff of the areas it was sent in or reached;
its reach is only ever counted per village and grid, never listed by person.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from wangge.accounts.scope import area_prefixes, in_areas, prefix_q
from wangge.campaigns.models import Campaign
from wangge.campaigns.selectors import campaign_list
from wangge.core.periods import ledger_scope, parse_period
from wangge.grids.selectors import grid_list
from wangge.notices.models import Attachment, Delivery, Feedback, Notice, Topic
from wangge.notices.permissions import READERS
from wangge.regions.codes import VILLAGE_LENGTH, village_of
from wangge.regions.models import Region


def _recipient_q(user, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}user_id": user.pk})
    if user.member_id:
        q |= Q(**{f"{prefix}member_id": user.member_id})
    return q


def my_deliveries(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Delivery.objects.none()
    return Delivery.objects.filter(_recipient_q(user))


def inbox(user) -> QuerySet:
    """The notices sent to the user (as a member or by role), newest first, with when opened."""
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    mine = my_deliveries(user).filter(notice=OuterRef("pk"))
    opened = my_deliveries(user).filter(notice=OuterRef("pk"), opened_at__isnull=False)
    return (
        Notice.objects.filter(Exists(mine))
        .annotate(opened=Exists(opened))
        .select_related("area")
        .order_by("-sent_at", "-id")
    )


def staff_notices(user) -> QuerySet:
    """Notices sent in the staff member's area, or that reached people in it."""
    prefixes = area_prefixes(user, READERS)
    if not prefixes:
        return Notice.objects.none()
    reached = in_areas(Delivery.objects.filter(notice=OuterRef("pk")), prefixes)
    sent_here = in_areas(Notice.objects.all(), prefixes).values("pk")
    return (
        Notice.objects.filter(Q(pk__in=sent_here) | Exists(reached))
        .select_related("area", "sent_by")
        .order_by("-sent_at", "-id")
    )


def notice_list(user) -> QuerySet:
    """Every notice the user may read: their own and, for staff, their area's."""
    received = inbox(user).order_by().values("pk")
    in_area = staff_notices(user).order_by().values("pk")
    return (
        Notice.objects.filter(Q(pk__in=received) | Q(pk__in=in_area))
        .select_related("area")
        .order_by("-sent_at", "-id")
    )


@dataclass(frozen=True)
class NoticeFilters:
    """A notice ledger's area (sent in or reaching it) and period (sent in it)."""

    area_code: str = ""
    period: str = ""

    @classmethod
    def from_params(cls, params) -> "NoticeFilters":
        area_code, period = ledger_scope(params)
        return cls(area_code=area_code, period=period.key if period else "")


def filtered_notices(user, filters: NoticeFilters) -> QuerySet:
    """``staff_notices`` sent in the period, sent in or reaching the area."""
    qs = staff_notices(user)
    if filters.area_code:
        reached = Delivery.objects.filter(notice=OuterRef("pk")).filter(
            prefix_q("area_code", filters.area_code)
        )
        qs = qs.filter(
            prefix_q("area_code", filters.area_code)
            | Q(area_code__in=_ancestors(filters.area_code)) & Exists(reached)
        )
    if filters.period:
        period = parse_period(filters.period)
        qs = qs.filter(sent_at__gte=period.start_at, sent_at__lt=period.end_at)
    return qs


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in range(1, len(code))]


def reach_rows(user, filters: NoticeFilters) -> QuerySet:
    """The ledger's rows: per notice of ``filtered_notices`` and village it reached (within the
    staff member's area and the filter's), recipients, delivered and opened — counts only,
    never who (principle 4). Newest notice first."""
    deliveries = in_areas(
        Delivery.objects.filter(notice__in=filtered_notices(user, filters).values("pk")),
        area_prefixes(user, READERS),
    )
    if filters.area_code:
        deliveries = deliveries.filter(prefix_q("area_code", filters.area_code))
    return (
        deliveries.annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values("notice_id", "notice__sent_at", "village")
        .annotate(
            recipients=Count("id"), delivered=Count("delivered_at"), opened=Count("opened_at")
        )
        .order_by("-notice__sent_at", "-notice_id", "village")
    )


def notices_by_id(ids: list[int]) -> dict[int, Notice]:
    """The notices of ledger rows (already scoped by ``reach_rows``)."""
    return {n.pk: n for n in Notice.objects.filter(pk__in=ids).select_related("area")}


def notice_for_user(user, pk: int) -> Notice:
    notice = staff_notices(user).filter(pk=pk).first() or inbox(user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def is_staff_reader_of(user, notice: Notice) -> bool:
    return staff_notices(user).filter(pk=notice.pk).exists()


def attachment_for_user(user, notice_pk: int, pk: int) -> Attachment:
    notice = notice_for_user(user, notice_pk)
    attachment = Attachment.objects.filter(notice=notice, pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment


@dataclass
class ReachRow:
    code: str
    name: str
    recipients: int
    delivered: int
    opened: int


@dataclass
class Reach:
    recipients: int
    delivered: int
    opened: int
    by_village: list[ReachRow]
    by_grid: list[ReachRow]


def _counts(qs) -> dict:
    return qs.aggregate(
        recipients=Count("id"), delivered=Count("delivered_at"), opened=Count("opened_at")
    )


def notice_reach(user, notice: Notice) -> Reach:
    """Delivered and opened, in total and per village and chosen grid, within the staff
    member's area: counts only, never who (principle 4)."""
    prefixes = area_prefixes(user, READERS)
    deliveries = in_areas(Delivery.objects.filter(notice=notice), prefixes)
    totals = _counts(deliveries)
    villages = (
        deliveries.annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values("village")
        .annotate(
            recipients=Count("id"), delivered=Count("delivered_at"), opened=Count("opened_at")
        )
        .order_by("village")
    )
    grids = (
        deliveries.filter(grid__isnull=False)
        .values("grid_id", "grid__name", "grid__area_code")
        .annotate(
            recipients=Count("id"), delivered=Count("delivered_at"), opened=Count("opened_at")
        )
        .order_by("grid__area_code", "grid__name")
    )
    villages = list(villages)
    names = dict(
        Region.objects.filter(code__in=[v["village"] for v in villages]).values_list("code", "name")
    )
    return Reach(
        recipients=totals["recipients"],
        delivered=totals["delivered"],
        opened=totals["opened"],
        by_village=[
            ReachRow(
                v["village"],
                names.get(v["village"], v["village"]),
                v["recipients"],
                v["delivered"],
                v["opened"],
            )
            for v in villages
        ],
        by_grid=[
            ReachRow(
                str(g["grid_id"]), g["grid__name"], g["recipients"], g["delivered"], g["opened"]
            )
            for g in grids
        ],
    )


# --- feedback ---------------------------------------------------------------------------------


def my_feedback(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Feedback.objects.none()
    return Feedback.objects.filter(author=user).select_related("notice").order_by("-updated_at")


def feedback_queue(user, *, topic: str = "", village: str = "", state: str = "") -> QuerySet:
    """The feedback written to the staff member's township or villages, filtered."""
    qs = in_areas(Feedback.objects.all(), area_prefixes(user, READERS))
    if topic:
        qs = qs.filter(topic=topic)
    if village:
        qs = qs.filter(village_code=village)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("notice", "area").order_by("-updated_at", "-id")


def feedback_list(user, *, topic: str = "", village: str = "", state: str = "") -> QuerySet:
    """The user's own feedback and the feedback written to their area (staff), filtered."""
    if not getattr(user, "is_authenticated", False):
        return Feedback.objects.none()
    queue = feedback_queue(user).order_by().values("pk")
    qs = Feedback.objects.filter(Q(author=user) | Q(pk__in=queue))
    if topic:
        qs = qs.filter(topic=topic)
    if village:
        qs = qs.filter(village_code=village)
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("notice", "area").order_by("-updated_at", "-id")


def feedback_for_user(user, pk: int) -> Feedback:
    """The writer's own feedback, or one written to the staff member's area; else 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    found = feedback_list(user).filter(pk=pk).select_related("appeal", "opinion__campaign").first()
    if found is None:
        raise Http404
    return found


def feedback_counts(user) -> dict:
    """Feedback in the staff member's area per topic and per village (for the queue's filters)."""
    qs = feedback_queue(user)
    by_topic = dict(qs.values_list("topic").annotate(n=Count("id")).order_by())
    by_village = dict(qs.values_list("village_code").annotate(n=Count("id")).order_by())
    names = dict(Region.objects.filter(code__in=by_village).values_list("code", "name"))
    return {
        "by_topic": [(value, label, by_topic.get(value, 0)) for value, label in Topic.choices],
        "by_village": sorted(
            ((code, names.get(code, code), n) for code, n in by_village.items() if code),
            key=lambda row: row[0],
        ),
    }


def grids_for_feedback(user, feedback: Feedback) -> QuerySet:
    """Grids of the writer's village (not the members' own fourth level), service grids first,
    for routing a request made from the feedback."""
    village = feedback.village_code or feedback.origin_code
    return (
        grid_list(user, area_code=village)
        .exclude(level=4)
        .order_by("-layer__has_levels", "layer__sort", "level", "name")
    )


def campaigns_for_feedback(user, feedback: Feedback) -> list[Campaign]:
    """Campaigns collecting opinions over the writer's area."""
    return [
        c
        for c in campaign_list(user).filter(collects_opinions=True)
        if feedback.origin_code.startswith(c.area_code)
    ]


def villages_in(code: str) -> QuerySet:
    return Region.objects.filter(prefix_q("code", code), level="village").order_by("code")


def village_name(code: str) -> str:
    code = village_of(code) or code
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code
