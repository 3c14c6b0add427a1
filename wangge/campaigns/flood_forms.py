"""Forms of the campaign engine's staff pages (flood control first): the emergency, teams and
their members, dike sections and shifts, tasks and turn-outs. The views give each its choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.campaigns.models import Shift, TeamKind

_DAY = {"invalid": _("Enter the day as YYYY-MM-DD."), "required": _("Enter the day.")}
_PICK = _("Choose one of the listed entries.")


def _pick(required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=None,
        required=required,
        error_messages={"invalid_choice": _PICK, "required": _PICK},
    )


class EmergencyForm(forms.Form):
    starts_on = forms.DateField(error_messages=_DAY)
    ends_on = forms.DateField(error_messages=_DAY)
    reason = forms.CharField(required=False, max_length=200)


class TeamForm(forms.Form):
    name = forms.CharField(required=False, max_length=60)
    kind = forms.ChoiceField(
        choices=TeamKind.choices, error_messages={"invalid_choice": _PICK, "required": _PICK}
    )
    home = _pick(True)
    serves = _pick(True)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = villages
        self.fields["serves"].queryset = villages
        self.fields["home"].to_field_name = self.fields["serves"].to_field_name = "code"


class WorkerForm(forms.Form):
    member = _pick()
    person = _pick()

    def __init__(self, *args, members, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["person"].queryset = persons


class TeamMemberForm(WorkerForm):
    team = _pick(True)
    leader = forms.BooleanField(required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class SectionForm(forms.Form):
    name = forms.CharField(required=False, max_length=60)
    place = forms.CharField(required=False, max_length=200)
    organisation = _pick(True)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = branches


class ShiftForm(forms.Form):
    section = _pick(True)
    team = _pick(True)
    day = forms.DateField(error_messages=_DAY)
    shift = forms.ChoiceField(
        choices=Shift.choices, error_messages={"invalid_choice": _PICK, "required": _PICK}
    )

    def __init__(self, *args, sections, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["team"].queryset = teams


class TaskForm(WorkerForm):
    grid = _pick()
    text = forms.CharField(required=False, max_length=300)
    due_on = forms.DateField(error_messages=_DAY)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class TurnoutForm(WorkerForm):
    team = _pick()
    section = _pick()
    day = forms.DateField(error_messages=_DAY)
    hours = forms.CharField(required=False, max_length=6)
    task = forms.CharField(required=False, max_length=200)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, teams, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["section"].queryset = sections


class TurnoutCorrectForm(forms.Form):
    day = forms.DateField(error_messages=_DAY)
    hours = forms.CharField(required=False, max_length=6)
    section = _pick()
    version = forms.IntegerField(min_value=0, error_messages={"required": _PICK})

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


class MyTurnoutForm(forms.Form):
    campaign = _pick(True)
    section = _pick()
    hours = forms.CharField(required=False, max_length=6)

    def __init__(self, *args, campaigns, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["section"].queryset = sections
