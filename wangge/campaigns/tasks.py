"""Reads of campaign tasks: a member's own open tasks (given to them, to a person record linked
to them, or to a grid they lead or serve in) for the phone's "my tasks", and the open tasks of
a secretary's village (or the township office's township)."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from wangge.accounts.scope import area_prefixes, in_areas, prefix_q
from wangge.campaigns.models import CampaignTask
from wangge.campaigns.services import CAMPAIGN_STAFF
from wangge.grids.models import GridMember


def own_tasks_q(user) -> Q:
    """Tasks given to the user's member record, to a person record linked to it, or to a grid
    the member leads or serves in."""
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return Q(pk__in=[])
    return (
        Q(member_id=member_id)
        | Q(person__member_id=member_id)
        | Q(grid__responsible_id=member_id)
        | Q(grid_id__in=GridMember.objects.filter(member_id=member_id).values("grid_id"))
    )


def _open(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """Not done, in a campaign that has not ended."""
    return queryset.filter(done_at__isnull=True, campaign__ends_on__gte=today)


def _related(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("campaign", "grid", "member", "person", "area").order_by(
        "due_on", "area_code", "id"
    )


def my_open_tasks(user, today: datetime.date) -> QuerySet:
    if not getattr(user, "member_id", None):
        return CampaignTask.objects.none()
    return _related(_open(CampaignTask.objects.filter(own_tasks_q(user)), today))


def area_open_tasks(user, today: datetime.date) -> QuerySet:
    """Open tasks under the user's campaign-staff areas (a secretary: the village's)."""
    prefixes = area_prefixes(user, CAMPAIGN_STAFF)
    if not prefixes:
        return CampaignTask.objects.none()
    return _related(_open(in_areas(CampaignTask.objects.all(), prefixes), today))


def campaign_task_for_user(user, pk: int) -> CampaignTask:
    """A task the user reads (their own, or one in their area); the same 404 otherwise."""
    readable = own_tasks_q(user)
    for prefix in area_prefixes(user):
        readable |= prefix_q("area_code", prefix)
    task = (
        CampaignTask.objects.filter(pk=pk)
        .filter(readable)
        .select_related("campaign", "grid", "person")
        .first()
    )
    if task is None:
        raise Http404
    return task
