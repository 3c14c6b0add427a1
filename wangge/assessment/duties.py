"""Duties (S11): written duty lists per grid level, kept by the township office in versions,
and each member's service list (一人一策为民服务清单), generated from the record: positions,
grid places (with their level's duties), paired households, and campaign duties. Nobody types
the service list."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.assessment.models import DutyList
from wangge.audit.services import audit_record
from wangge.campaigns.models import Campaign, DutyLog, DutyLogKind, PledgeAck, RosterEntry
from wangge.grids.models import GridMember
from wangge.households.models import Household
from wangge.pairing.models import Pairing

LEVELS = (1, 2, 3, 4)
DUTY_EDITORS = {Role.TOWNSHIP_ADMIN}
MAX_ITEMS = 40


def level_label(level: int) -> str:
    return {
        1: _("Level 1 (township)"),
        2: _("Level 2 (village)"),
        3: _("Level 3 (hamlet)"),
        4: _("Level 4 (group)"),
    }.get(level, str(level))


def can_edit_duties(user, township_code: str) -> bool:
    return any(township_code.startswith(p) for p in area_prefixes(user, DUTY_EDITORS))


def duty_lists_current(township_code: str) -> dict[int, DutyList | None]:
    """The newest version of each level's list (None when the level has none yet)."""
    out: dict[int, DutyList | None] = dict.fromkeys(LEVELS)
    for duty in DutyList.objects.filter(township_code=township_code).order_by("level", "version"):
        out[duty.level] = duty
    return out


def duty_history(township_code: str, level: int):
    return DutyList.objects.filter(township_code=township_code, level=level).order_by("-version")


def duty_list_save(*, actor, township_code: str, level: int, items: list[str]) -> DutyList:
    """A new version of a level's duties (one duty per item); old versions are kept."""
    if actor is not None and not can_edit_duties(actor, township_code):
        raise PermissionDenied(_("Only the township's organisation office may edit duty lists."))
    if level not in LEVELS:
        raise ValidationError({"level": _("Choose a grid level from 1 to 4.")})
    items = [line.strip()[:300] for line in items if line and line.strip()]
    if not items:
        raise ValidationError({"items": _("Write at least one duty, one per line.")})
    if len(items) > MAX_ITEMS:
        raise ValidationError(
            {"items": _("Keep the list to %(n)d duties at most.") % {"n": MAX_ITEMS}}
        )
    with transaction.atomic():
        last = (
            DutyList.objects.select_for_update()
            .filter(township_code=township_code, level=level)
            .aggregate(v=Max("version"))["v"]
        )
        if last is not None:
            current = DutyList.objects.get(township_code=township_code, level=level, version=last)
            if current.items == items:
                return current
        duty = DutyList.objects.create(
            township_code=township_code,
            level=level,
            version=(last or 0) + 1,
            items=items,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="assessment.duty_list_save",
            obj=duty,
            area_code=township_code,
            detail={"level": level, "version": duty.version, "items": len(items)},
        )
    return duty


# ---------------------------------------------------------------- the service list


@dataclass
class ServiceList:
    member: object
    positions: list[dict] = field(default_factory=list)
    grids: list[dict] = field(default_factory=list)
    households: list[dict] = field(default_factory=list)
    campaigns: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "member_id": self.member.pk,
            "name": self.member.name,
            "area_code": self.member.area_code,
            "positions": self.positions,
            "grids": self.grids,
            "households": self.households,
            "campaigns": self.campaigns,
        }


def service_list(member) -> ServiceList:
    """Everything the member serves by, read from the record (the caller checks the scope)."""
    out = ServiceList(member=member)
    out.positions = [
        {"title": p.title, "organisation": p.organisation.name}
        for p in member.positions.select_related("organisation").order_by("organisation__name")
    ]
    duties = duty_lists_current(member.township_code)
    for gm in (
        GridMember.objects.filter(member=member)
        .select_related("grid", "grid__layer")
        .order_by("grid__level", "grid__name")
    ):
        grid = gm.grid
        level_duties = duties.get(grid.level) if grid.level else None
        out.grids.append(
            {
                "grid_id": grid.pk,
                "grid": grid.name,
                "layer": grid.layer.name,
                "level": grid.level,
                "role": gm.duty,
                "duties": list(level_duties.items) if level_duties else [],
                "duty_version": level_duties.version if level_duties else None,
            }
        )
    pairings = (
        Pairing.objects.filter(member=member, ended_on__isnull=True)
        .order_by("started_on", "id")
        .values_list("household_id", "started_on")
    )
    homes = {
        h.pk: h
        for h in Household.objects.filter(pk__in=[h for h, _s in pairings]).only(
            "head_name", "address"
        )
    }
    out.households = [
        {
            "household_id": household_id,
            "head_name": homes[household_id].head_name,
            "address": homes[household_id].address,
            "paired_since": since.isoformat(),
        }
        for household_id, since in pairings
        if household_id in homes
    ]
    campaigns: dict[int, dict] = {}

    def entry(campaign) -> dict:
        return campaigns.setdefault(
            campaign.pk,
            {
                "campaign_id": campaign.pk,
                "campaign": campaign.name,
                "starts_on": campaign.starts_on.isoformat(),
                "ends_on": campaign.ends_on.isoformat(),
                "pledge_version": None,
                "pledged_on": None,
                "roster_duty": None,
                "patrols": 0,
            },
        )

    for ack in PledgeAck.objects.filter(member=member).select_related("pledge__campaign"):
        row = entry(ack.pledge.campaign)
        if row["pledge_version"] is None or ack.pledge.version > row["pledge_version"]:
            row["pledge_version"] = ack.pledge.version
            row["pledged_on"] = ack.acknowledged_at.date().isoformat()
    for roster in RosterEntry.objects.filter(person__member=member).select_related("campaign"):
        entry(roster.campaign)["roster_duty"] = roster.duty or _("on the roster")
    patrols = (
        DutyLog.objects.filter(member=member, kind=DutyLogKind.PATROL)
        .values("campaign")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["campaign"]: row["n"] for row in patrols}
    if counts:
        for campaign in Campaign.objects.filter(pk__in=counts):
            entry(campaign)["patrols"] = counts[campaign.pk]
    out.campaigns = sorted(campaigns.values(), key=lambda c: c["starts_on"], reverse=True)
    return out
