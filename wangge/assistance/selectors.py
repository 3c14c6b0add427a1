"""Reads of assistance plans, always through the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes, get_visible_or_404, in_areas, prefix_q, visible
from wangge.assistance.models import Outcome, Plan, PlanStatus, PlanStep, StepStatus
from wangge.party.models import Member
from wangge.regions.codes import village_of


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    outcome: str = ""
    area_code: str = ""

    @classmethod
    def from_params(cls, params) -> "PlanFilters":
        status = (params.get("status") or "").strip()
        outcome = (params.get("outcome") or "").strip()
        return cls(
            status=status if status in PlanStatus.values else "",
            outcome=outcome if outcome in Outcome.values else "",
            area_code=(params.get("area_code") or "").strip()[:18],
        )


def plan_list(
    user, *, status: str = "", outcome: str = "", area_code: str = "", source: str = ""
) -> QuerySet:
    qs = visible(Plan.objects.all(), user).select_related("household", "responsible", "flag__rule")
    if status:
        qs = qs.filter(status=status)
    if outcome:
        qs = qs.filter(outcome_kind=outcome)
    if source:
        qs = qs.filter(source=source)
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    return qs.order_by("-created_at", "-id")


def household_plans(user, household) -> QuerySet:
    return plan_list(user).filter(household=household)


def steps_due(user, *, days: int = 14) -> QuerySet:
    """Open steps due within ``days`` (or overdue): a member's own steps and those of the plans
    they are responsible for; staff also see every open step in their areas."""
    horizon = timezone.localdate() + datetime.timedelta(days=days)
    qs = PlanStep.objects.filter(
        status=StepStatus.PENDING, plan__status=PlanStatus.OPEN, due_date__lte=horizon
    ).select_related("plan__household", "owner")
    member_id = getattr(user, "member_id", None)
    mine = Q(owner_id=member_id) | Q(owner__isnull=True, plan__responsible_id=member_id)
    writes = area_prefixes(user, REGISTRY_WRITERS)
    staff = in_areas(qs, writes, field="plan__area_code") if writes else qs.none()
    found = staff | qs.filter(mine) if member_id else staff
    return found.distinct().order_by("due_date", "id")


def outcomes_for_user(user) -> list[tuple[str, str, int]]:
    """(outcome, label, closed plans) in the user's scope, in the outcomes' order."""
    counts = dict(
        plan_list(user, status=PlanStatus.CLOSED)
        .order_by()
        .values("outcome_kind")
        .annotate(n=Count("id"))
        .values_list("outcome_kind", "n")
    )
    return [(value, label, counts[value]) for value, label in Outcome.choices if counts.get(value)]


def plans_by_outcome(area_code: str | None) -> dict[str, int]:
    """Closed plans per outcome, for ``wangge stats`` (no user: the township's figures)."""
    qs = Plan.objects.filter(status=PlanStatus.CLOSED)
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    return {
        row["outcome_kind"] or "unspecified": row["n"]
        for row in qs.values("outcome_kind").annotate(n=Count("id")).order_by("outcome_kind")
    }


def plan_for_user(user, pk: int) -> Plan:
    return get_visible_or_404(
        Plan.objects.select_related("household", "responsible", "flag__rule"), user, pk=pk
    )


def step_for_user(user, pk: int) -> PlanStep:
    qs = visible(PlanStep.objects.select_related("plan"), user, field="plan__area_code")
    try:
        return qs.get(pk=pk)
    except PlanStep.DoesNotExist as exc:
        raise Http404 from exc


def members_for_plan(user, plan: Plan) -> QuerySet:
    """Members who may be made responsible: those of the household's village the user sees."""
    return members_of_village(user, plan.area_code)


def members_of_village(user, area_code: str) -> QuerySet:
    village = Member.objects.defer("id_number", "phone").filter(
        prefix_q("area_code", village_of(area_code) or area_code)
    )
    return (
        visible(village, user)
        .select_related("organisation")
        .prefetch_related("grid_memberships__grid")
        .order_by("name", "organisation__name", "id")
    )


def member_label(member) -> str:
    """Name, branch and grid: two members of one name (陈平 ×2) are told apart."""
    grids = "、".join(m.grid.name for m in member.grid_memberships.all())
    parts = [member.name, member.organisation.name, grids, member.phone_masked]
    return " · ".join(p for p in parts if p)


def plans_in_period(area_code: str, start_at: datetime.datetime, end_at: datetime.datetime):
    """Plans opened and closed in [start_at, end_at) in the area, and the closed ones per
    outcome (in the outcomes' order; the quarterly bulletin's outcomes)."""
    plans = Plan.objects.filter(prefix_q("area_code", area_code))
    closed = plans.filter(status=PlanStatus.CLOSED, closed_at__gte=start_at, closed_at__lt=end_at)
    counts = dict(
        closed.order_by()
        .values("outcome_kind")
        .annotate(n=Count("id"))
        .values_list("outcome_kind", "n")
    )
    return {
        "opened": plans.filter(created_at__gte=start_at, created_at__lt=end_at).count(),
        "closed": sum(counts.values()),
        "by_outcome": [
            (str(label), counts[value]) for value, label in Outcome.choices if counts.get(value)
        ],
        "open_now": plans.exclude(status=PlanStatus.CLOSED).count(),
    }
