"""Concentrated assistance drives (集中帮扶, S10): creating one makes a task for every household
in its area with an open risk flag or an open assistance plan, assigned to the member paired
with the household (unpaired: the member responsible for its service grid); members mark their
tasks done with a note; figures per village."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import can_write_registry, personal, prefix_q, visible
from wangge.assistance.models import Plan, PlanStatus
from wangge.audit.services import audit_record
from wangge.campaigns.models import Campaign, CampaignKind, DriveTask
from wangge.campaigns.selectors import campaign_list
from wangge.grids.models import GridHousehold
from wangge.households.models import Household
from wangge.pairing.models import Pairing
from wangge.regions.models import Region

# The flags app stands beside campaigns (neither imports the other): its open statuses by value.
OPEN_FLAG_STATUSES = ("raised", "accepted")
REASON_FLAG = "风险预警"
REASON_PLAN = "帮扶计划"


def drive_create(
    *,
    actor,
    name: str,
    area: Region,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> Campaign:
    """The drive and its tasks in one transaction."""
    if not can_write_registry(actor, area.code):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = _("Give the drive a name of at most 100 characters.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day of the drive.")
    if ends_on is None:
        errors["ends_on"] = _("Enter the last day of the drive.")
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign(
            name=name,
            kind=CampaignKind.ASSISTANCE,
            starts_on=starts_on,
            ends_on=ends_on,
            collects_opinions=False,
            created_by=actor,
        )
        campaign.set_area(area)
        campaign.save()
        count = _generate_tasks(campaign)
        audit_record(
            actor=actor, action="campaign.drive_create", obj=campaign, detail={"tasks": count}
        )
    return campaign


def _generate_tasks(campaign: Campaign) -> int:
    in_area = prefix_q("area_code", campaign.area_code)
    flagged = set(
        Household.objects.filter(in_area, flags__status__in=OPEN_FLAG_STATUSES).values_list(
            "pk", flat=True
        )
    )
    planned = set(
        Plan.objects.filter(
            status=PlanStatus.OPEN, household__in=Household.objects.filter(in_area)
        ).values_list("household_id", flat=True)
    )
    ids = sorted(flagged | planned)
    paired = dict(
        Pairing.objects.filter(household_id__in=ids, ended_on__isnull=True)
        .order_by("household_id", "-started_on", "-id")
        .values_list("household_id", "member_id")
    )
    areas = dict(Household.objects.filter(pk__in=ids).values_list("pk", "area_code"))
    # No pairing: the member responsible for the household's service grid takes it.
    for household_id, lead, upper in (
        GridHousehold.objects.filter(
            household_id__in=[pk for pk in ids if pk not in paired], layer__slug="service"
        )
        .values_list("household_id", "grid__responsible_id", "grid__parent__responsible_id")
        .order_by("household_id")
    ):
        if lead or upper:
            paired[household_id] = lead or upper
    tasks = []
    for pk in ids:
        task = DriveTask(
            campaign=campaign,
            household_id=pk,
            member_id=paired.get(pk),
            reason=" · ".join(
                r for r, on in ((REASON_FLAG, pk in flagged), (REASON_PLAN, pk in planned)) if on
            ),
        )
        task.area_id = task.area_code = areas[pk]
        task.township_code = areas[pk][:9]
        tasks.append(task)
    DriveTask.objects.bulk_create(tasks, batch_size=1000)
    return len(tasks)


def task_done(*, actor, task: DriveTask, note: str) -> DriveTask:
    """The paired member (or the office) marks a task done, with what was done."""
    mine = task.member_id is not None and task.member_id == getattr(actor, "member_id", None)
    if not (mine or can_write_registry(actor, task.area_code)):
        raise PermissionDenied(_("This task is another member's."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say in a few words what was done for the household.")})
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2,000 characters.")})
    with transaction.atomic():
        changed = DriveTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_note=note, done_by=actor
        )
        if changed != 1:
            raise ValidationError(_("This task is already marked done."))
        task.refresh_from_db()
        audit_record(actor=actor, action="campaign.drive_task_done", obj=task)
    return task


# --- reads -------------------------------------------------------------------------------


def drive_list(user) -> QuerySet:
    """Drives over the user's areas or over an area containing them: a township drive is
    seen from each village, whose pages then show only the village's tasks."""
    return (
        campaign_list(user)
        .filter(kind=CampaignKind.ASSISTANCE)
        .annotate(
            task_count=Count("drive_tasks"),
            done=Count("drive_tasks", filter=Q(drive_tasks__done_at__isnull=False)),
        )
        .order_by("-starts_on", "-id")
    )


def drive_for_user(user, pk: int) -> Campaign:
    drive = drive_list(user).filter(pk=pk).first()
    if drive is None:
        raise Http404
    return drive


def _own_tasks(user) -> Q:
    member_id = getattr(user, "member_id", None)
    return Q(member_id=member_id) if member_id else Q(pk__in=[])


def task_list(user, *, campaign: Campaign | None = None) -> QuerySet:
    """Tasks the user may read: all in an office role's area, a member's own."""
    qs = personal(DriveTask.objects.all(), user, own=_own_tasks).select_related(
        "household", "member", "campaign"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.defer("household__head_id_number", "household__phone").order_by(
        "done_at", "area_code", "id"
    )


def my_tasks(user) -> QuerySet:
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return DriveTask.objects.none()
    return (
        DriveTask.objects.filter(member_id=member_id)
        .select_related("household", "campaign")
        .defer("household__head_id_number", "household__phone")
        .order_by("done_at", "campaign__ends_on", "area_code", "id")
    )


def task_for_user(user, pk: int) -> DriveTask:
    task = (
        DriveTask.objects.filter(Q(pk=pk))
        .filter(_own_tasks(user) | Q(pk__in=task_list(user).values("pk")))
        .select_related("household", "campaign")
        .first()
    )
    if task is None:
        raise Http404
    return task


@dataclass
class VillageFigures:
    village: Region
    tasks: int
    done: int
    unassigned: int

    @property
    def still_open(self) -> int:
        return self.tasks - self.done


def drive_figures(user, drive: Campaign) -> list[VillageFigures]:
    rows = (
        visible(DriveTask.objects.filter(campaign=drive), user)
        .annotate(village=Substr("area_code", 1, 12))
        .values("village")
        .annotate(
            tasks=Count("id"),
            done=Count("id", filter=Q(done_at__isnull=False)),
            unassigned=Count("id", filter=Q(member__isnull=True)),
        )
        .order_by("village")
    )
    names = {r.code: r for r in Region.objects.filter(code__in=[row["village"] for row in rows])}
    return [
        VillageFigures(names[row["village"]], row["tasks"], row["done"], row["unassigned"])
        for row in rows
        if row["village"] in names
    ]
