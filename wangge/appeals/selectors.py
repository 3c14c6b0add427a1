"""Reads of residents' requests, always within the user's scope."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from wangge.accounts.scope import (
    own_households,
    own_member,
    personal,
    personal_or_404,
    prefix_q,
    require_personal_data,
    townships_of,
    visible,
)
from wangge.appeals.categories import categories_for
from wangge.appeals.models import OPEN_STATES, Appeal, AppealEvent, Category, State
from wangge.appeals.services import phone_index
from wangge.core.identity import IdentityError, parse_phone
from wangge.core.periods import ledger_scope, parse_period
from wangge.grids.models import Grid

LIST_RELATED = ("category", "assignee_member", "assignee_user", "grid", "area")
# What a list row (``appeals/_rows.html``) shows: only these columns are read, and only the
# related rows it names (no grid, no encrypted phone).
ROW_RELATED = ("category", "assignee_member", "assignee_user", "area")
ROW_FIELDS = (
    "id",
    "ticket",
    "urgent",
    "text",
    "level",
    "state",
    "escalation_count",
    "accept_due_at",
    "resolve_due_at",
    "category__name",
    "area__name",
    "assignee_member__name",
    "assignee_user__display_name",
    "assignee_user__username",
)
ROWS_PER_PAGE = 20


def for_rows(qs: QuerySet) -> QuerySet:
    """A request queryset narrowed to what the list pages show."""
    return qs.select_related(None).select_related(*ROW_RELATED).only(*ROW_RELATED, *ROW_FIELDS)


def own_requests(user) -> Q:
    """An ordinary member's own requests: those they entered or handle, and those of the
    households that are theirs (their grid's, their pairings')."""
    return (
        Q(created_by_id=user.pk)
        | Q(assignee_user_id=user.pk)
        | own_member(user, "assignee_member_id")
        | own_households(user, "household_id")
    )


def request_list(
    user,
    *,
    state: str = "",
    area_code: str = "",
    category: str = "",
    overdue: bool = False,
    escalated: bool = False,
    q: str = "",
) -> QuerySet:
    qs = personal(Appeal.objects.defer("contact_phone"), user, own=own_requests)
    qs = qs.select_related(*LIST_RELATED)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in State.values:
        qs = qs.filter(state=state)
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    if category:
        qs = qs.filter(category__slug=category)
    if overdue:
        qs = qs.filter(overdue_q())
    if escalated:
        qs = qs.filter(escalation_count__gt=0)
    if q:
        qs = qs.filter(Q(ticket__iexact=q.strip()) | Q(contact_name__icontains=q.strip()))
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class RequestFilters:
    """The request list's filters (as its page reads them) and a ledger's period."""

    state: str = ""
    area_code: str = ""
    category: str = ""
    overdue: bool = False
    escalated: bool = False
    q: str = ""
    period: str = ""

    @classmethod
    def from_params(cls, params) -> "RequestFilters":
        area_code, period = ledger_scope(params)
        return cls(
            state=str(params.get("state") or ""),
            area_code=area_code,
            category=str(params.get("category") or ""),
            overdue=params.get("overdue") == "1",
            escalated=params.get("escalated") == "1",
            q=str(params.get("q") or "")[:50],
            period=period.key if period else "",
        )

    def query(self) -> dict:
        """The filters as the list page's link parameters."""
        out = {k: v for k, v in vars(self).items() if v and k not in ("area_code",)}
        out.update(overdue="1" if self.overdue else "", escalated="1" if self.escalated else "")
        out["area"] = self.area_code
        return {k: v for k, v in out.items() if v}


def filtered_requests(user, filters: RequestFilters) -> QuerySet:
    """``request_list`` for the list's filters; a period keeps the requests submitted in it."""
    qs = request_list(
        user,
        state=filters.state,
        area_code=filters.area_code,
        category=filters.category,
        overdue=filters.overdue,
        escalated=filters.escalated,
        q=filters.q,
    )
    if filters.period:
        period = parse_period(filters.period)
        qs = qs.filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    return qs


def overdue_q(now=None) -> Q:
    now = now or timezone.now()
    return Q(state=State.SUBMITTED, accept_due_at__lt=now) | Q(
        state__in=(State.ACCEPTED, State.IN_PROGRESS), resolve_due_at__lt=now
    )


def is_overdue(appeal: Appeal) -> bool:
    """Whether the deadline that runs for ``appeal`` has passed (as the lists count it)."""
    return Appeal.objects.filter(pk=appeal.pk).filter(overdue_q()).exists()


def my_requests(user) -> QuerySet:
    """Open requests assigned to the user (as a user or as the member they are)."""
    require_personal_data(user)
    mine = Q(assignee_user=user)
    if user.member_id:
        mine |= Q(assignee_member_id=user.member_id)
    return (
        visible(Appeal.objects.defer("contact_phone").filter(mine, state__in=OPEN_STATES), user)
        .select_related(*LIST_RELATED)
        .order_by("due_at", "id")
    )


def request_for_user(user, pk: int) -> Appeal:
    return personal_or_404(
        Appeal.objects.select_related(
            *LIST_RELATED, "household", "created_by", "grid__parent", "assignee_member__user"
        ),
        user,
        own=own_requests,
        pk=pk,
    )


def request_timeline(appeal: Appeal) -> QuerySet:
    return AppealEvent.objects.filter(appeal=appeal).select_related(
        "actor", "assignee_member", "grid"
    )


def request_track(ticket: str, phone: str) -> Appeal | None:
    """Public look-up: the request only when ticket AND phone match; None for any mismatch."""
    ticket = (ticket or "").strip().upper()
    try:
        phone = parse_phone(phone or "", allow_landline=True)
    except IdentityError:
        return None
    if not ticket or len(ticket) > 16:
        return None
    return (
        Appeal.objects.filter(ticket=ticket, blind_index=phone_index(phone))
        .select_related("category", "area", "grid", "grid__area", "assignee_member")
        .first()
    )


def requests_for_phone(phone: str, *, limit: int = 20) -> list[Appeal]:
    """Public: a phone's requests, newest first, for a resident who lost the ticket number
    and proved the phone is theirs (``services.recovery``); none for a number not valid."""
    try:
        phone = parse_phone(phone or "", allow_landline=True)
    except IdentityError:
        return []
    return list(
        Appeal.objects.filter(blind_index=phone_index(phone))
        .defer("contact_phone")
        .select_related("category")
        .order_by("-created_at", "-id")[:limit]
    )


def grid_for_qr(key: str) -> Grid | None:
    if not key or len(key) > 24:
        return None
    # With its first responsible person and their account: the routing of a request from
    # this grid (``route_from_grid``) then reads nothing more.
    return (
        Grid.objects.select_related("area", "layer", "responsible", "responsible__user")
        .filter(qr_key=key)
        .order_by()  # the key is unique: no need for the grid list's ordering (a join)
        .first()
    )


def categories_of(township_code: str) -> list[Category]:
    """The township's categories in use, in one query once the township has its defaults."""
    found = list(
        Category.objects.filter(township_id=township_code, active=True).order_by("sort", "slug")
    )
    return found or list(categories_for(township_code))


def categories_in(user) -> list[Category]:
    """The categories in use in every township of the user's areas, township by township."""
    return [c for code in townships_of(user) for c in categories_of(code)]


def category_for_township(township_code: str, pk) -> Category | None:
    """The township's category in use with this id, in one query (a township without
    categories yet has none with any id, so the defaults need not be made here)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Category.objects.filter(township_id=township_code, active=True, pk=pk).order_by().first()


def requests_for_household(user, household) -> QuerySet:
    """A household's requests, newest first (for its page and timeline)."""
    return (
        personal(Appeal.objects.defer("contact_phone"), user, own=own_requests)
        .filter(household=household)
        .select_related("category", "assignee_member")
        .order_by("-created_at", "-id")
    )
