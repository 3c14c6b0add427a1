"""Forms of the campaign pages: a new campaign, an opinion's category, a category's name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.campaigns.models import CampaignKind, DutyLogKind
from wangge.regions.codes import VILLAGE_LENGTH

# A hidden field that does not hold what the page put there: tampered, or a stale page.
DAMAGED = _("The form was damaged; reload the page and try again.")
_DATES = {
    "invalid": _("Enter the dates as YYYY-MM-DD."),
    "required": _("Enter the dates as YYYY-MM-DD."),
}


class CampaignForm(forms.Form):
    """``areas``: the townships and villages of the user's townships."""

    name = forms.CharField(required=False)  # the service says "Give the campaign a name."
    area = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        error_messages={
            "invalid_choice": _("Choose an area of your township."),
            "required": _("Choose an area of your township."),
        },
    )
    starts_on = forms.DateField(error_messages=_DATES)
    ends_on = forms.DateField(error_messages=_DATES)
    kind = forms.ChoiceField(
        choices=CampaignKind.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed kinds.")},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class OpinionCategoryForm(forms.Form):
    """``categories``: the opinion's township's; none chosen clears the category."""

    category = forms.ModelChoiceField(
        queryset=None, required=False, error_messages={"invalid_choice": DAMAGED}
    )
    next = forms.CharField(required=False)  # the list page it was sent from

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def clean_next(self) -> str:
        """Back to a campaign page only; anything else goes to the campaign's opinions."""
        next_url = self.cleaned_data["next"]
        return next_url if next_url.startswith("/campaigns/") else ""


class CategoryForm(forms.Form):
    """A new category, or (with ``category``) a new name for one of the township's."""

    category = forms.ModelChoiceField(
        queryset=None, required=False, error_messages={"invalid_choice": DAMAGED}
    )
    name = forms.CharField(required=False)  # the service says "Give the category a name."

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class PledgeForm(forms.Form):
    text = forms.CharField(required=False, max_length=5000)  # the service asks for the text


class DutyLogForm(forms.Form):
    """``campaigns``: the duty campaigns running over the member's area."""

    campaign = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": _("Choose one of the campaigns running in your area."),
            "required": _("Choose one of the campaigns running in your area."),
        },
    )
    kind = forms.ChoiceField(
        choices=DutyLogKind.choices,
        error_messages={
            "invalid_choice": _("Choose patrol or incident."),
            "required": _("Choose patrol or incident."),
        },
    )
    day = forms.DateField(error_messages=_DATES)
    place = forms.CharField(required=False, max_length=200)
    text = forms.CharField(required=False, max_length=5000)
    photo = forms.FileField(required=False)  # checked and cleaned by the service

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns


class RosterForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": _("Choose a person from the list."),
            "required": _("Choose a person from the list."),
        },
    )
    duty = forms.CharField(required=False, max_length=50)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class AccountabilityForm(forms.Form):
    """``areas``: villages of the campaign; ``members``/``people``/``logs``: in scope."""

    area = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        error_messages={
            "invalid_choice": _("Choose a village of the campaign."),
            "required": _("Choose a village of the campaign."),
        },
    )
    member = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No member with this number in your area.")},
    )
    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a person from the list.")},
    )
    duty_log = forms.ModelChoiceField(
        queryset=None, required=False, error_messages={"invalid_choice": DAMAGED}
    )
    failure = forms.CharField(required=False, max_length=5000)
    evidence = forms.CharField(required=False, max_length=5000)

    def __init__(self, *args, areas, members, people, logs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["member"].queryset = members
        self.fields["person"].queryset = people
        self.fields["duty_log"].queryset = logs


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("reviewing", "reviewing"), ("decided", "decided")],
        error_messages={"invalid_choice": DAMAGED, "required": DAMAGED},
    )
    decision = forms.CharField(required=False, max_length=5000)
    version = forms.IntegerField(error_messages={"invalid": DAMAGED, "required": DAMAGED})


class BackToVillageForm(forms.Form):
    """The village view of the campaign page a staff form was sent from, if it was one."""

    village = forms.RegexField(
        r"^[0-9]+$", min_length=VILLAGE_LENGTH, max_length=VILLAGE_LENGTH, required=False
    )


class TurnoutWithdrawForm(forms.Form):
    """The withdraw button of a turn-out's page and the version of the turn-out it showed."""

    withdraw = forms.BooleanField(required=False)
    version = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), DAMAGED),
    )


class TaskDoneForm(forms.Form):
    """A task marked done (a drive's or a campaign's); the service judges the note."""

    note = forms.CharField(required=False)
    back = forms.CharField(required=False, max_length=20)
