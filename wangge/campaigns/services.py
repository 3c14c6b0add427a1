"""Writes for campaigns, opinion categories and opinions."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, can_see_area
from wangge.audit.services import audit_record
from wangge.campaigns.models import Campaign, CampaignKind, Opinion, OpinionCategory
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
