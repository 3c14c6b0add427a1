"""Writes for campaigns, opinion categories and opinions."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import area_prefixes, can_see_area
from wangge.audit.services import audit_record
from wangge.campaigns.models import (
    DUTY_KINDS,
    LOG_KINDS,
    Accountability,
    AccountabilityStatus,
    Campaign,
    CampaignKind,
    DutyLog,
    DutyLogKind,
    Opinion,
    OpinionCategory,
    Pledge,
    PledgeAck,
    RosterEntry,
)
from wangge.campaigns.selectors import _ancestors, scope_members
from wangge.core.errors import ConflictError
from wangge.core.images import photo_clean
from wangge.core.notify import notify_many
from wangge.regions.codes import township_of

# Who runs campaigns and sorts their opinions: the township office and village secretaries.
CAMPAIGN_STAFF = {Role.TOWNSHIP_ADMIN, Role.VILLAGE_SECRETARY, Role.VILLAGE_COMMITTEE}


def require_campaign_staff(user, area_code: str) -> None:
    if not any(area_code.startswith(p) for p in area_prefixes(user, CAMPAIGN_STAFF)):
        raise PermissionDenied(_("Only campaign staff of this area may do this."))


def require_township_admin(user, township_code: str) -> None:
    if not any(township_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN})):
        raise PermissionDenied(_("Only the township's organisation office may do this."))


def campaign_create(
    *,
    actor,
    area,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    kind: str = CampaignKind.VISIT,
    collects_opinions: bool = True,
) -> Campaign:
    if not can_see_area(actor, area.code):
        raise Http404  # the same answer as for an area that does not exist
    require_township_admin(actor, township_of(area.code) or area.code)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign must end on or after its first day.")})
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("Choose one of the listed kinds.")})
    with transaction.atomic():
        campaign = Campaign(
            name=name[:100],
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            # Only visit campaigns ask for opinions during visits.
            collects_opinions=collects_opinions and kind == CampaignKind.VISIT,
            created_by=actor,
        )
        campaign.set_area(area)
        campaign.save()
        audit_record(actor=actor, action="campaigns.campaign_create", obj=campaign)
    return campaign


def category_create(*, actor, township_code: str, name: str) -> OpinionCategory:
    require_township_admin(actor, township_code)
    name = (name or "").strip()[:40]
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    sort = OpinionCategory.objects.filter(township_code=township_code).count()
    try:
        with transaction.atomic():
            category = OpinionCategory.objects.create(
                township_code=township_code, name=name, sort=sort
            )
            audit_record(
                actor=actor,
                action="campaigns.category_create",
                obj=category,
                area_code=township_code,
            )
    except IntegrityError:
        raise ValidationError({"name": _("A category with this name already exists.")}) from None
    return category


def category_rename(*, actor, category: OpinionCategory, name: str) -> OpinionCategory:
    require_township_admin(actor, category.township_code)
    name = (name or "").strip()[:40]
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    clash = OpinionCategory.objects.filter(township_code=category.township_code, name=name)
    if clash.exclude(pk=category.pk).exists():
        raise ValidationError({"name": _("A category with this name already exists.")})
    with transaction.atomic():
        category.name = name
        category.save(update_fields=["name"])
        audit_record(
            actor=actor,
            action="campaigns.category_rename",
            obj=category,
            area_code=category.township_code,
        )
    return category


def opinion_record(
    *, actor, campaign: Campaign, household, text: str, visit=None, area=None
) -> Opinion:
    """Called by the visit log while a campaign runs (the visit's writer is the actor), and by
    feedback turned into an opinion (no household: ``area`` is the writer's)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"opinion": _("Write down the opinion.")})
    opinion = Opinion(campaign=campaign, visit=visit, household=household, text=text[:2000])
    opinion.set_area(household.area if household is not None else area)
    opinion.save()
    audit_record(actor=actor, action="campaigns.opinion_record", obj=opinion)
    return opinion


def opinion_categorise(*, actor, opinion: Opinion, category: OpinionCategory | None) -> Opinion:
    require_campaign_staff(actor, opinion.area_code)
    if category is not None and category.township_code != opinion.township_code:
        raise ValidationError({"category": _("Choose one of the township's categories.")})
    with transaction.atomic():
        opinion.category = category
        opinion.categorised_by = actor
        opinion.categorised_at = timezone.now()
        opinion.save(update_fields=["category", "categorised_by", "categorised_at"])
        audit_record(
            actor=actor,
            action="campaigns.opinion_categorise",
            obj=opinion,
            detail={"category": category.pk if category else None},
        )
    return opinion


# --- Duty campaigns (straw-burning ban, forest-fire prevention): letters, patrols, 追责 ---


def _require_duty_kind(campaign: Campaign) -> None:
    if campaign.kind not in DUTY_KINDS:
        raise ValidationError(
            _("Only straw-burning and forest-fire campaigns have letters and patrols.")
        )


def pledge_publish(*, actor, campaign: Campaign, text: str) -> Pledge:
    """A new version of the campaign's letter; every grid member is asked again."""
    require_township_admin(actor, campaign.township_code)
    _require_duty_kind(campaign)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the responsibility letter.")})
    with transaction.atomic():
        # Lock the campaign so two publishers cannot take the same version number.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        last = campaign.pledges.order_by("-version").values_list("version", flat=True).first()
        pledge = Pledge.objects.create(
            campaign=campaign, version=(last or 0) + 1, text=text[:5000], created_by=actor
        )
        audit_record(
            actor=actor,
            action="campaigns.pledge_publish",
            obj=pledge,
            area_code=campaign.area_code,
            detail={"campaign": campaign.pk, "version": pledge.version},
        )
    return pledge


def _acting_member(actor):
    member = getattr(actor, "member", None)
    if member is None:
        raise PermissionDenied(_("Your login is not linked to a Party member record."))
    return member


def pledge_acknowledge(*, actor, pledge: Pledge) -> tuple[PledgeAck, bool]:
    """The member's one tap: stored once however often it is sent; returns (ack, created)."""
    member = _acting_member(actor)
    if not scope_members(pledge.campaign).filter(pk=member.pk).exists():
        raise PermissionDenied(_("This letter is for the grid members of the campaign's area."))
    earlier = PledgeAck.objects.filter(pledge=pledge, member=member).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            ack = PledgeAck(pledge=pledge, member=member, acknowledged_at=timezone.now())
            ack.set_area(member.area)
            ack.save()
            audit_record(
                actor=actor,
                action="campaigns.pledge_acknowledge",
                obj=ack,
                detail={"pledge": pledge.pk, "version": pledge.version},
            )
    except IntegrityError:
        return PledgeAck.objects.get(pledge=pledge, member=member), False
    return ack, True


def duty_log_record(
    *,
    actor,
    campaign: Campaign,
    kind: str,
    day: datetime.date,
    place: str,
    text: str,
    photo=None,
) -> DutyLog:
    """A patrol or incident by a member of the campaign's area, on a day of its period."""
    member = _acting_member(actor)
    if campaign.kind not in LOG_KINDS:
        _require_duty_kind(campaign)
    if not member.area_code.startswith(campaign.area_code):
        raise PermissionDenied(_("Only members in the campaign's area log its patrols."))
    errors: dict[str, str] = {}
    if kind not in DutyLogKind.values:
        errors["kind"] = _("Choose patrol or incident.")
    if not campaign.running_on(day):
        errors["day"] = _(
            "The campaign runs from %(start)s to %(end)s; choose a day in that period."
        ) % {"start": campaign.starts_on.isoformat(), "end": campaign.ends_on.isoformat()}
    elif day > timezone.localdate():
        errors["day"] = _("The day cannot be in the future.")
    place = (place or "").strip()
    text = (text or "").strip()
    if not place:
        errors["place"] = _("Say where, in words (e.g. the hamlet or the field).")
    if not text:
        errors["text"] = _("Say what you saw and did.")
    if errors:
        raise ValidationError(errors)
    # Checked before anything is written: a bad photo stores nothing.
    cleaned = photo_clean(photo) if photo else None
    stored_name = ""
    try:
        with transaction.atomic():
            if cleaned is not None:
                stored_name = default_storage.save(
                    f"campaigns/{campaign.township_code}/{cleaned.name}", cleaned
                )
            entry = DutyLog(
                campaign=campaign,
                kind=kind,
                day=day,
                place=place[:200],
                text=text[:5000],
                photo=stored_name,
                member=member,
                created_by=actor,
            )
            entry.set_area(member.area)
            entry.save()
            audit_record(
                actor=actor,
                action="campaigns.duty_log_record",
                obj=entry,
                detail={"campaign": campaign.pk, "kind": kind},
            )
    except Exception:
        if stored_name:
            default_storage.delete(stored_name)
        raise
    return entry


def roster_add(*, actor, campaign: Campaign, person, duty: str = "") -> RosterEntry:
    require_campaign_staff(actor, person.area_code)
    if not person.area_code.startswith(campaign.area_code):
        raise ValidationError({"person": _("The person must serve in the campaign's area.")})
    if RosterEntry.objects.filter(campaign=campaign, person=person).exists():
        raise ValidationError(
            {"person": _("%(name)s is already on this roster.") % {"name": person.name}}
        )
    try:
        with transaction.atomic():
            entry = RosterEntry.objects.create(
                campaign=campaign, person=person, duty=(duty or "").strip()[:50]
            )
            audit_record(
                actor=actor,
                action="campaigns.roster_add",
                obj=entry,
                area_code=person.area_code,
                detail={"campaign": campaign.pk, "person": person.pk},
            )
    except IntegrityError:
        raise ValidationError(
            {"person": _("%(name)s is already on this roster.") % {"name": person.name}}
        ) from None
    return entry


def accountability_open(
    *,
    actor,
    campaign: Campaign,
    area,
    failure: str,
    evidence: str = "",
    member=None,
    person=None,
    duty_log: DutyLog | None = None,
) -> Accountability:
    """A failure of duty, routed to the discipline committee's queue with its evidence."""
    require_campaign_staff(actor, area.code)
    errors: dict[str, str] = {}
    if not area.code.startswith(campaign.area_code):
        errors["area"] = _("Choose an area inside the campaign's area.")
    failure = (failure or "").strip()
    if not failure:
        errors["failure"] = _("Describe the failure of duty.")
    if member is None and person is None:
        errors["member"] = _("Name the member or the person responsible.")
    if duty_log is not None and duty_log.campaign_id != campaign.pk:
        errors["duty_log"] = _("The incident must belong to this campaign.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = Accountability(
            campaign=campaign,
            member=member,
            person=person,
            failure=failure[:5000],
            evidence=(evidence or "").strip()[:5000],
            duty_log=duty_log,
            created_by=actor,
        )
        record.set_area(area)
        record.save()
        audit_record(
            actor=actor,
            action="campaigns.accountability_open",
            obj=record,
            detail={"campaign": campaign.pk},
        )
        # The committee over the area hears of it in its inbox; the record waits in its queue.
        committee = RoleAssignment.objects.filter(
            role=Role.DISCIPLINE, area_id__in={*_ancestors(area.code), area.code}
        ).values_list("user_id", flat=True)
        notify_many(
            subject=_("New accountability record: %(campaign)s") % {"campaign": campaign.name},
            link=reverse("campaigns:accountability_detail", args=[record.pk]),
            recipients=[(user_id, None, "") for user_id in committee],
        )
    return record


_NEXT_STATUS = {
    AccountabilityStatus.OPEN: {AccountabilityStatus.REVIEWING, AccountabilityStatus.DECIDED},
    AccountabilityStatus.REVIEWING: {AccountabilityStatus.DECIDED},
    AccountabilityStatus.DECIDED: set(),
}


def accountability_advance(
    *, actor, record: Accountability, status: str, expected_version: int, decision: str = ""
) -> Accountability:
    """The discipline committee takes the record up or decides it; one audited step each."""
    if not any(record.area_code.startswith(p) for p in area_prefixes(actor, {Role.DISCIPLINE})):
        raise PermissionDenied(_("Only the discipline committee may do this."))
    if status not in _NEXT_STATUS.get(record.status, set()):
        raise ValidationError({"status": _("This record cannot move to that step.")})
    decision = (decision or "").strip()
    if status == AccountabilityStatus.DECIDED and not decision:
        raise ValidationError({"decision": _("Write down the decision.")})
    now = timezone.now()
    fields = {"status": status, "updated_at": now, "version": F("version") + 1}
    if status == AccountabilityStatus.DECIDED:
        fields |= {"decision": decision[:5000], "decided_at": now, "decided_by": actor}
    with transaction.atomic():
        changed = Accountability.objects.filter(
            pk=record.pk, version=expected_version, status=record.status
        ).update(**fields)
        if changed != 1:
            raise ConflictError(
                _("Someone else changed this record meanwhile. Reload the page and try again.")
            )
        before = record.status
        record.refresh_from_db()
        audit_record(
            actor=actor,
            action="campaigns.accountability_advance",
            obj=record,
            detail={"from": before, "to": status},
        )
    return record
