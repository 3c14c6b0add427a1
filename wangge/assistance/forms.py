"""The plan page's three forms: the plan itself, a new step, a step's status."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.assistance.models import Measure, Outcome, PlanSource, PlanStatus, StepStatus
from wangge.assistance.selectors import member_label

# A hidden field that does not hold what the page put there: tampered, or a stale page.
DAMAGED = _("The form was damaged; reload the page and try again.")
_DAMAGED_CHOICE = {"invalid_choice": DAMAGED, "required": DAMAGED}


class MemberChoiceField(forms.ModelChoiceField):
    """Members shown with branch and grid, so that two of one name are told apart."""

    def label_from_instance(self, obj) -> str:
        return member_label(obj)


def _member_field() -> MemberChoiceField:
    """A member of the household's village (the queryset is set per form from the user)."""
    return MemberChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a member of the household's own village.")},
    )


def _measures_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=Measure.choices, required=False, error_messages=_DAMAGED_CHOICE
    )


class NewPlanForm(forms.Form):
    """A plan opened from a household page, a visit's needs or a resident's request."""

    needs = forms.CharField(
        max_length=2000,
        error_messages={"required": _("Describe the household's need the plan answers.")},
    )
    measures = _measures_field()
    responsible = _member_field()
    source = forms.ChoiceField(
        choices=[c for c in PlanSource.choices if c[0] != PlanSource.FLAG],
        error_messages=_DAMAGED_CHOICE,
    )
    source_ref = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={"invalid": DAMAGED, "min_value": DAMAGED, "max_value": DAMAGED},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members


class PlanForm(forms.Form):
    version = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        error_messages={
            "invalid": DAMAGED,
            "required": DAMAGED,
            "min_value": DAMAGED,
            "max_value": DAMAGED,
        },
    )
    needs = forms.CharField(required=False)
    measures = _measures_field()
    responsible = _member_field()
    status = forms.ChoiceField(choices=PlanStatus.choices, error_messages=_DAMAGED_CHOICE)
    outcome = forms.CharField(required=False)
    outcome_kind = forms.ChoiceField(
        choices=[("", "—"), *Outcome.choices], required=False, error_messages=_DAMAGED_CHOICE
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = members


class StepForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": _("Describe the step.")})
    measure = forms.ChoiceField(
        choices=[("", "—"), *Measure.choices], required=False, error_messages=_DAMAGED_CHOICE
    )
    due_date = forms.DateField(
        required=False, error_messages={"invalid": _("Enter the due date as YYYY-MM-DD.")}
    )
    owner = _member_field()

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(choices=StepStatus.choices, error_messages=_DAMAGED_CHOICE)
    note = forms.CharField(required=False)
