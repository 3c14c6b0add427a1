"""The thousand-members visit (千名党员大走访) as the report tells it: Party members were
visited and consulted about the grid scheme, and gave opinions. A consultation is the unit:
the member consulted, by whom, on which day, and the opinions (categorised like any other)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import can_write_registry, personal
from wangge.audit.services import audit_record
from wangge.campaigns.models import Campaign, CampaignKind, Consultation, Opinion
from wangge.campaigns.selectors import campaign_for_user
from wangge.party.models import Member

MAX_OPINION = 500


def consultation_record(
    *,
    actor,
    campaign: Campaign,
    member: Member | None,
    consulted_by: Member | None,
    day: datetime.date | None,
    opinions: list[str],
) -> Consultation:
    """One member consulted, with their opinions; nothing is stored unless all of it is valid."""
    if member is not None and not can_write_registry(actor, member.area_code):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    errors: dict[str, str] = {}
    if campaign.kind != CampaignKind.VISIT:
        errors["campaign"] = _("Members are consulted in a visit campaign.")
    if member is None:
        errors["member"] = _("Choose the member who was consulted.")
    elif not member.area_code.startswith(campaign.area_code):
        errors["member"] = _("%(name)s is outside the campaign's area.") % {"name": member.name}
    elif Consultation.objects.filter(campaign=campaign, member=member).exists():
        errors["member"] = _("%(name)s has already been consulted in this campaign.") % {
            "name": member.name
        }
    if consulted_by is not None and member is not None and consulted_by.pk == member.pk:
        errors["consulted_by"] = _("A member does not consult themselves; choose who asked.")
    if day is None:
        errors["day"] = _("Enter the day of the consultation.")
    elif day > timezone.localdate():
        errors["day"] = _("The day cannot be in the future.")
    elif not campaign.running_on(day):
        errors["day"] = _("The day must fall within the campaign, %(start)s to %(end)s.") % {
            "start": campaign.starts_on,
            "end": campaign.ends_on,
        }
    texts = [t.strip() for t in opinions if t and t.strip()]
    if any(len(t) > MAX_OPINION for t in texts):
        errors["opinions"] = _("Keep each opinion under %(n)d characters.") % {"n": MAX_OPINION}
    if errors:
        raise ValidationError(errors)
    assert member is not None and day is not None
    with transaction.atomic():
        consultation = Consultation(
            campaign=campaign, member=member, consulted_by=consulted_by, day=day, created_by=actor
        )
        consultation.set_area(member.area)
        consultation.save()
        rows = []
        for text in texts:
            opinion = Opinion(campaign=campaign, consultation=consultation, text=text)
            opinion.area_id, opinion.area_code = member.area_id, member.area_code
            opinion.township_code = member.township_code
            rows.append(opinion)
        Opinion.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="campaign.consultation",
            obj=consultation,
            detail={"opinions": len(rows)},
        )
    return consultation


def consultation_list(user, campaign: Campaign) -> QuerySet:
    return (
        personal(Consultation.objects.filter(campaign=campaign), user)
        .select_related("member", "consulted_by", "area")
        .only(
            "day",
            "area_code",
            "member__name",
            "consulted_by__name",
            "area__name",
            "campaign_id",
        )
        .annotate(opinion_count=Count("opinions"))
        .order_by("-day", "-id")
    )


def consultation_figures(user, campaign: Campaign) -> dict:
    consultations = personal(Consultation.objects.filter(campaign=campaign), user)
    opinions = personal(Opinion.objects.filter(campaign=campaign, consultation__isnull=False), user)
    return {
        "members_consulted": consultations.values("member_id").distinct().count(),
        "opinions": opinions.count(),
    }


def campaign_for_consultations(user, pk: int) -> Campaign:
    """A visit campaign the user sees (``campaign_for_user``), or 404."""
    campaign = campaign_for_user(user, pk)
    if campaign.kind != CampaignKind.VISIT:
        raise Http404
    return campaign
