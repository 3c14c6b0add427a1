"""While a visit campaign runs, the visit log asks for the household's opinion and keeps it;
while a duty campaign runs, the member's phone home asks for its letter and offers patrols."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wangge.campaigns.selectors import (
    _campaign_running_for,
    duty_campaigns_for,
    pledges_to_acknowledge,
)
from wangge.campaigns.services import opinion_record
from wangge.campaigns.tasks import my_open_tasks
from wangge.campaigns.turnouts import emergency_campaigns_for
from wangge.visits.hooks import (
    VisitLogExtension,
    home_cards_provider,
    register_visit_log_extension,
)


@register_visit_log_extension
class CampaignOpinion(VisitLogExtension):
    def bind(self, household, day):
        return _campaign_running_for(household.area_code, day)

    def form_fields(self, campaign) -> dict:
        return {
            "opinion": forms.CharField(
                label=gettext_lazy("Opinion for the campaign"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "The campaign “%(name)s” is running: note the household's opinion, if any."
                )
                % {"name": campaign.name},
            )
        }

    def page_notes(self, campaign) -> list[str]:
        return [_("Campaign running: %(name)s") % {"name": campaign.name}]

    def before_save(self, campaign, visit) -> None:
        visit.campaign = campaign

    def after_save(self, campaign, *, actor, visit, data) -> None:
        text = (data.get("opinion") or "").strip()
        if text:
            opinion_record(
                actor=actor, campaign=campaign, household=visit.household, text=text, visit=visit
            )


@home_cards_provider
def duty_cards(user, today) -> list[dict]:
    """What the member's phone home shows for duty campaigns: letters to acknowledge, and the
    patrol form while a campaign runs over their area."""
    cards = [
        {
            "title": pledge.campaign.name,
            "text": _("A responsibility letter (version %(v)s) waits for your acknowledgement.")
            % {"v": pledge.version},
            "url": reverse("campaigns:pledge_ack", args=[pledge.pk]),
            "action": _("Read and acknowledge"),
        }
        for pledge in pledges_to_acknowledge(user, today)
    ]
    if duty_campaigns_for(user, today).exists():
        cards.append(
            {
                "title": _("Patrols"),
                "text": _("Log a patrol or an incident of the campaign."),
                "url": reverse("campaigns:duty_log_new"),
                "action": _("Log a patrol"),
            }
        )
    return cards


@home_cards_provider
def emergency_cards(user, today) -> list[dict]:
    """During a declared emergency over the member's area: "I am on duty" (the first tap)."""
    return [
        {
            "title": campaign.name,
            "text": _("An emergency is declared. Record that you are on duty today."),
            "url": reverse("campaigns:turnout_mine"),
            "action": _("I am on duty"),
        }
        for campaign in emergency_campaigns_for(user, today)[:1]
    ]


@home_cards_provider
def task_cards(user, today) -> list[dict]:
    """The member's open campaign tasks (their own and their grid's): one card with the count."""
    count = my_open_tasks(user, today).count()
    if not count:
        return []
    return [
        {
            "title": _("My tasks"),
            "text": ngettext(
                "%(n)s campaign task is waiting for you.",
                "%(n)s campaign tasks are waiting for you.",
                count,
            )
            % {"n": count},
            "url": reverse("campaigns:task_list"),
            "action": _("Open my tasks"),
        }
    ]
