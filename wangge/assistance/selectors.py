"""Reads of assistance plans, always through the user's scope."""

from django.db.models import QuerySet
from django.http import Http404

from wangge.accounts.scope import get_visible_or_404, prefix_q, visible
from wangge.assistance.models import Plan, PlanStep
from wangge.party.models import Member
from wangge.regions.codes import village_of


def plan_list(user, *, status: str = "") -> QuerySet:
    qs = visible(Plan.objects.all(), user).select_related("household", "responsible", "flag__rule")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


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
    village = Member.objects.defer("id_number", "phone").filter(
        prefix_q("area_code", village_of(plan.area_code) or plan.area_code)
    )
    return visible(village, user).order_by("name")
