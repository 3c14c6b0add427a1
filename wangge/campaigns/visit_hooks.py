"""While a visit campaign runs, the visit log asks for the household's opinion and keeps it."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.campaigns.selectors import _campaign_running_for
from wangge.campaigns.services import opinion_record
from wangge.visits.hooks import VisitLogExtension, register_visit_log_extension


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
