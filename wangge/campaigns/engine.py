"""The campaign engine: what each kind of campaign uses is data (``KIND_FEATURES``), and the
writes every kind shares live here once: a declared emergency (the only time check-ins and
turn-outs are taken), teams of members and persons, dike sections and duty shifts, tasks per
grid or person, and turn-outs. Every write is one transaction and audited."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import area_prefixes, can_see_area
from wangge.audit.services import audit_record
from wangge.campaigns.models import (
    Campaign,
    CampaignKind,
    CampaignTask,
    DikeSection,
    DutyShift,
    Emergency,
    Shift,
    Team,
    TeamKind,
    TeamMember,
    Turnout,
)
from wangge.campaigns.services import CAMPAIGN_STAFF, require_township_admin
from wangge.campaigns.tasks import own_tasks_q
from wangge.core.errors import ConflictError
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region

# Kinds are data on one engine: which parts of it each kind uses.
KIND_FEATURES: dict[str, frozenset[str]] = {
    CampaignKind.VISIT: frozenset({"opinions"}),
    CampaignKind.STRAW_BURNING: frozenset({"pledges", "logs", "roster"}),
    CampaignKind.FOREST_FIRE: frozenset({"pledges", "logs", "roster"}),
    CampaignKind.FLOOD: frozenset(
        {"emergency", "teams", "turnouts", "tasks", "logs", "sections", "shifts"}
    ),
}

MAX_HOURS = Decimal(24)


def has_feature(campaign: Campaign, feature: str) -> bool:
    return feature in KIND_FEATURES.get(campaign.kind, frozenset())


def require_feature(campaign: Campaign, feature: str) -> None:
    if not has_feature(campaign, feature):
        raise ValidationError(
            _("A %(kind)s campaign does not keep this record.")
            % {"kind": campaign.get_kind_display()}
        )


def is_staff_for(user, area_code: str) -> bool:
    """Campaign staff over ``area_code`` (the township office, the village's secretary)."""
    return any(area_code.startswith(p) for p in area_prefixes(user, CAMPAIGN_STAFF))


def require_staff_for(user, *area_codes: str) -> None:
    if not any(is_staff_for(user, code) for code in area_codes if code):
        raise PermissionDenied(_("Only campaign staff of this area may do this."))


def _village_in(campaign: Campaign, region: Region | None, field: str) -> Region:
    if (
        region is None
        or region.level != Level.VILLAGE
        or not region.code.startswith(campaign.area_code)
    ):
        raise ValidationError({field: _("Choose a village inside the campaign's area.")})
    return region


def _in_period(campaign: Campaign, day: datetime.date, field: str = "day") -> None:
    if not campaign.running_on(day):
        raise ValidationError(
            {
                field: _(
                    "The campaign runs from %(start)s to %(end)s; choose a day in that period."
                )
                % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
            }
        )


# --- the declared emergency ---


def emergency_declare(
    *,
    actor,
    campaign: Campaign,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
) -> Emergency:
    """Declare (or re-time) the campaign's emergency: the township office, named, dated,
    audited; it must lie within the campaign's period."""
    require_township_admin(actor, campaign.township_code)
    require_feature(campaign, "emergency")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Say why the emergency is declared (e.g. the flood warning).")
    if ends_on < starts_on:
        errors["ends_on"] = _("The emergency must end on or after its first day.")
    elif not (campaign.running_on(starts_on) and campaign.running_on(ends_on)):
        errors["starts_on"] = _(
            "The emergency must lie within the campaign, %(start)s to %(end)s."
        ) % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        before = Emergency.objects.filter(campaign=campaign).first()
        emergency, _created = Emergency.objects.update_or_create(
            campaign=campaign,
            defaults={
                "starts_on": starts_on,
                "ends_on": ends_on,
                "reason": reason[:200],
                "declared_by": actor,
                "declared_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action="campaigns.emergency_declare",
            obj=emergency,
            area_code=campaign.area_code,
            detail={
                "campaign": campaign.pk,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "before": [before.starts_on.isoformat(), before.ends_on.isoformat()]
                if before
                else None,
            },
        )
    campaign.emergency = emergency
    return emergency


def emergency_of(campaign: Campaign) -> Emergency | None:
    return Emergency.objects.filter(campaign=campaign).first()


# --- teams ---


def team_create(
    *, actor, campaign: Campaign, name: str, kind: str, home: Region, serves: Region
) -> Team:
    """A team formed in ``home`` (its village) that works in ``serves``."""
    require_feature(campaign, "teams")
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the team a name.")
    if kind not in TeamKind.values:
        errors["kind"] = _("Choose one of the listed kinds.")
    if errors:
        raise ValidationError(errors)
    _village_in(campaign, home, "home")
    _village_in(campaign, serves, "serves")
    if not can_see_area(actor, home.code):
        raise Http404
    require_staff_for(actor, home.code)
    if Team.objects.filter(campaign=campaign, name=name[:60]).exists():
        raise ValidationError({"name": _("This campaign already has a team of that name.")})
    try:
        with transaction.atomic():
            team = Team(campaign=campaign, name=name[:60], kind=kind, serves=serves)
            team.set_area(home)
            team.save()
            audit_record(
                actor=actor,
                action="campaigns.team_create",
                obj=team,
                detail={"campaign": campaign.pk, "serves": serves.code, "kind": kind},
            )
    except IntegrityError:
        raise ValidationError(
            {"name": _("This campaign already has a team of that name.")}
        ) from None
    return team


def _already_on(campaign: Campaign, *, member=None, person=None) -> TeamMember | None:
    qs = TeamMember.objects.filter(campaign=campaign).select_related("team")
    return (qs.filter(member=member) if member is not None else qs.filter(person=person)).first()


def team_add(*, actor, team: Team, member=None, person=None, leader: bool = False) -> TeamMember:
    """Put a member or a person on the team; each serves on one team of a campaign only."""
    require_staff_for(actor, team.area_code)
    if (member is None) == (person is None):
        raise ValidationError({"member": _("Choose a Party member or a person, one of them.")})
    worker = member or person
    if not can_see_area(actor, worker.area_code):
        raise Http404
    earlier = _already_on(team.campaign, member=member, person=person)
    if earlier is not None:
        raise ValidationError(
            {
                "member": _(
                    "%(name)s is already on the team %(team)s of this campaign; a person "
                    "serves on one team of a campaign."
                )
                % {"name": worker.name, "team": earlier.team.name}
            }
        )
    try:
        with transaction.atomic():
            entry = TeamMember.objects.create(
                team=team, campaign=team.campaign, member=member, person=person, is_leader=leader
            )
            audit_record(
                actor=actor,
                action="campaigns.team_add",
                obj=entry,
                area_code=team.area_code,
                detail={
                    "team": team.pk,
                    "member": getattr(member, "pk", None),
                    "person": getattr(person, "pk", None),
                },
            )
    except IntegrityError:
        raise ValidationError(
            {"member": _("%(name)s is already on a team of this campaign.") % {"name": worker.name}}
        ) from None
    return entry


# --- dike sections and duty shifts ---


def section_create(
    *, actor, campaign: Campaign, name: str, place: str, organisation
) -> DikeSection:
    """A stretch of dike held by a branch; it lies in the branch's village."""
    require_feature(campaign, "sections")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the dike section a name.")})
    area = organisation.area
    if not area.code.startswith(campaign.area_code):
        raise ValidationError({"organisation": _("Choose a branch inside the campaign's area.")})
    if not can_see_area(actor, area.code):
        raise Http404
    require_staff_for(actor, area.code)
    if DikeSection.objects.filter(campaign=campaign, name=name[:60]).exists():
        raise ValidationError({"name": _("This campaign already has a section of that name.")})
    with transaction.atomic():
        section = DikeSection(
            campaign=campaign,
            name=name[:60],
            place=(place or "").strip()[:200],
            organisation=organisation,
        )
        section.set_area(area)
        section.save()
        audit_record(
            actor=actor,
            action="campaigns.section_create",
            obj=section,
            detail={"campaign": campaign.pk, "organisation": organisation.pk},
        )
    return section


def shift_assign(
    *, actor, section: DikeSection, day: datetime.date, shift: str, team: Team
) -> DutyShift:
    """The team holding the section on that day or night (a new choice replaces the old)."""
    require_staff_for(actor, section.area_code, team.area_code)
    campaign = section.campaign
    if shift not in Shift.values:
        raise ValidationError({"shift": _("Choose the day or the night shift.")})
    if team.campaign_id != campaign.pk:
        raise ValidationError({"team": _("Choose a team of this campaign.")})
    _in_period(campaign, day)
    with transaction.atomic():
        row, _created = DutyShift.objects.update_or_create(
            section=section, day=day, shift=shift, defaults={"team": team}
        )
        audit_record(
            actor=actor,
            action="campaigns.shift_assign",
            obj=row,
            area_code=section.area_code,
            detail={"section": section.pk, "day": day.isoformat(), "team": team.pk},
        )
    return row


# --- tasks ---


def task_create(
    *,
    actor,
    campaign: Campaign,
    text: str,
    due_on: datetime.date,
    grid=None,
    member=None,
    person=None,
) -> CampaignTask:
    """A task for a grid, or for one member or person."""
    require_feature(campaign, "tasks")
    text = (text or "").strip()
    targets = [t for t in (grid, member, person) if t is not None]
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Write what is to be done.")
    if len(targets) != 1:
        errors["grid"] = _("Give the task to one grid, or to one member or person.")
    if errors:
        raise ValidationError(errors)
    _in_period(campaign, due_on, "due_on")
    target = targets[0]
    if not target.area_code.startswith(campaign.area_code):
        raise ValidationError({"grid": _("Choose someone or a grid inside the campaign's area.")})
    if not can_see_area(actor, target.area_code):
        raise Http404
    require_staff_for(actor, target.area_code)
    with transaction.atomic():
        task = CampaignTask(
            campaign=campaign,
            grid=grid,
            member=member,
            person=person,
            text=text[:300],
            due_on=due_on,
            created_by=actor,
        )
        task.set_area(target.area)
        task.save()
        audit_record(
            actor=actor, action="campaigns.task_create", obj=task, detail={"campaign": campaign.pk}
        )
    return task


# --- turn-outs ---


def parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        hours = Decimal(-1)
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValidationError({"hours": _("Give the hours served: more than 0, at most 24.")})
    return hours.quantize(Decimal("0.1"))


def turnout_record(
    *,
    actor,
    campaign: Campaign,
    day: datetime.date,
    hours,
    member=None,
    person=None,
    team: Team | None = None,
    section: DikeSection | None = None,
    task: str = "",
    note: str = "",
) -> Turnout:
    """A turn-out. Without ``member`` and ``person`` it is the actor's own check-in ("I am on
    duty"); staff record for the members and persons of their area or of their teams. Taken
    only on a day of a declared emergency; stored once per worker, day and section."""
    require_feature(campaign, "turnouts")
    own = member is None and person is None
    member, team = _worker_and_team(actor, campaign, member, person, team)
    worker = member or person
    errors = _turnout_errors(campaign, day, hours, team, section)
    if errors:
        raise ValidationError(errors)
    hours = parse_hours(hours)
    duplicate = Turnout.objects.filter(campaign=campaign, day=day, section=section)
    duplicate = duplicate.filter(member=member) if member else duplicate.filter(person=person)
    if duplicate.exists():
        raise ValidationError({"day": _duplicate_text(worker, day)})
    if section is not None:
        area = section.area
    elif team is not None:
        area = team.serves
    else:
        area = Region.objects.get(code=worker.area_code[:VILLAGE_LENGTH])
    try:
        with transaction.atomic():
            turnout = Turnout(
                campaign=campaign,
                member=member,
                person=person,
                home_code=worker.area_code[:VILLAGE_LENGTH],
                team=team,
                section=section,
                day=day,
                hours=hours,
                task=(task or "").strip()[:200],
                note=(note or "").strip()[:300],
                self_reported=own,
                created_by=actor,
            )
            turnout.set_area(area)
            turnout.save()
            audit_record(
                actor=actor,
                action="campaigns.turnout_record",
                obj=turnout,
                detail={"campaign": campaign.pk, "day": day.isoformat(), "own": own},
            )
    except IntegrityError:
        raise ValidationError({"day": _duplicate_text(worker, day)}) from None
    return turnout


def _worker_and_team(actor, campaign, member, person, team):
    """The member (the actor's own for a check-in) and the team; refuses who may not record."""
    if member is None and person is None:
        member = getattr(actor, "member", None)
        if member is None:
            raise PermissionDenied(_("Your login is not linked to a Party member record."))
        if not member.area_code.startswith(campaign.area_code):
            raise PermissionDenied(_("Only members in the campaign's area serve in it."))
        if team is None:
            found = _already_on(campaign, member=member)
            team = found.team if found else None
        return member, team
    if member is not None and person is not None:
        raise ValidationError({"member": _("Choose a Party member or a person, one of them.")})
    worker = member or person
    if not can_see_area(actor, worker.area_code) and not (
        team is not None and can_see_area(actor, team.area_code)
    ):
        raise Http404
    require_staff_for(actor, worker.area_code, team.area_code if team else "")
    return member, team


def _turnout_errors(campaign, day, hours, team, section) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        parse_hours(hours)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    emergency = emergency_of(campaign)
    if not campaign.running_on(day):
        errors["day"] = _(
            "The campaign runs from %(start)s to %(end)s; choose a day in that period."
        ) % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
    elif emergency is None:
        errors["day"] = _(
            "No emergency is declared for this campaign: turn-outs are recorded only during a "
            "declared emergency."
        )
    elif not emergency.covers(day):
        errors["day"] = _(
            "The declared emergency runs from %(start)s to %(end)s; turn-outs outside it are "
            "not recorded."
        ) % {"start": emergency.starts_on.isoformat(), "end": emergency.ends_on.isoformat()}
    elif day > timezone.localdate():
        errors["day"] = _("The day cannot be in the future.")
    if team is not None and team.campaign_id != campaign.pk:
        errors["team"] = _("Choose a team of this campaign.")
    if section is not None and section.campaign_id != campaign.pk:
        errors["section"] = _("Choose a dike section of this campaign.")
    return errors


def _duplicate_text(worker, day: datetime.date) -> str:
    return _(
        "The turn-out of %(name)s on %(day)s is already recorded (for this section); it is "
        "stored once."
    ) % {"name": worker.name, "day": day.isoformat()}


# --- marking a task done ---


def task_is_mine(user, task: CampaignTask) -> bool:
    """The task was given to the user's member record, to a person record linked to it, or to a
    grid the member leads or serves in (the rule of the phone's "my tasks")."""
    return CampaignTask.objects.filter(pk=task.pk).filter(own_tasks_q(user)).exists()


def task_done(*, actor, task: CampaignTask, note: str = "") -> CampaignTask:
    """The member the task was given to (or one of its grid's), or staff of its area, marks it
    done, with an optional note; done once (two taps at once: one wins, the other is told)."""
    if not (task_is_mine(actor, task) or is_staff_for(actor, task.area_code)):
        raise PermissionDenied(_("This task is another member's."))
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Keep the note under 500 characters.")})
    with transaction.atomic():
        changed = CampaignTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_note=note, done_by=actor
        )
        if changed != 1:
            raise ValidationError(_("This task is already marked done."))
        task.refresh_from_db()
        audit_record(
            actor=actor,
            action="campaigns.task_done",
            obj=task,
            detail={"campaign": task.campaign_id, "note": bool(note)},
        )
    return task


# --- correcting and withdrawing a turn-out ---


def may_change_turnout(user, turnout: Turnout) -> bool:
    """The user who recorded it, or campaign staff where it was worked or of the worker's
    village."""
    return (turnout.created_by_id is not None and turnout.created_by_id == user.pk) or any(
        is_staff_for(user, code) for code in (turnout.area_code, turnout.home_code)
    )


def _require_change(actor, turnout: Turnout) -> None:
    if not may_change_turnout(actor, turnout):
        raise PermissionDenied(
            _("Only who recorded this turn-out, or campaign staff of its area, may change it.")
        )


def _stale() -> ConflictError:
    return ConflictError(
        _("Someone else changed this turn-out while you were editing; reload and try again.")
    )


def _snapshot(turnout: Turnout) -> dict:
    return {
        "day": turnout.day.isoformat(),
        "hours": str(turnout.hours),
        "section": turnout.section_id,
        "area_code": turnout.area_code,
    }


def turnout_correct(
    *,
    actor,
    turnout: Turnout,
    expected_version: int,
    day: datetime.date,
    hours,
    section: DikeSection | None,
) -> Turnout:
    """Correct the hours, the day (within the declared emergency) or the section of a turn-out;
    refused if someone changed it since ``expected_version`` was read."""
    _require_change(actor, turnout)
    campaign = turnout.campaign
    errors = _turnout_errors(campaign, day, hours, None, section)
    if errors:
        raise ValidationError(errors)
    hours = parse_hours(hours)
    worker = turnout.worker
    duplicate = Turnout.objects.filter(campaign=campaign, day=day, section=section).exclude(
        pk=turnout.pk
    )
    duplicate = (
        duplicate.filter(member_id=turnout.member_id)
        if turnout.member_id
        else duplicate.filter(person_id=turnout.person_id)
    )
    if duplicate.exists():
        raise ValidationError({"day": _duplicate_text(worker, day)})
    if section is not None:
        area = section.area
    elif turnout.team_id is not None:
        area = turnout.team.serves
    else:
        area = Region.objects.get(code=turnout.home_code)
    before = _snapshot(turnout)
    try:
        with transaction.atomic():
            changed = Turnout.objects.filter(pk=turnout.pk, version=expected_version).update(
                day=day,
                hours=hours,
                section=section,
                area=area,
                area_code=area.code,
                township_code=area.code[:9],
                version=F("version") + 1,
            )
            if changed != 1:
                raise _stale()
            turnout.refresh_from_db()
            audit_record(
                actor=actor,
                action="campaigns.turnout_correct",
                obj=turnout,
                detail={"campaign": campaign.pk, "before": before, "after": _snapshot(turnout)},
            )
    except IntegrityError:
        raise ValidationError({"day": _duplicate_text(worker, day)}) from None
    return turnout


def turnout_withdraw(*, actor, turnout: Turnout, expected_version: int) -> None:
    """Withdraw a turn-out recorded in error; the audit log keeps what it was."""
    _require_change(actor, turnout)
    with transaction.atomic():
        deleted, _rows = Turnout.objects.filter(pk=turnout.pk, version=expected_version).delete()
        if not deleted:
            raise _stale()
        audit_record(
            actor=actor,
            action="campaigns.turnout_withdraw",
            obj=turnout,
            detail={
                "campaign": turnout.campaign_id,
                "member": turnout.member_id,
                "person": turnout.person_id,
                "home_code": turnout.home_code,
                **_snapshot(turnout),
            },
        )
