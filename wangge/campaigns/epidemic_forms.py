"""Forms of the epidemic pages: they only parse (dates, choices); the services judge the
input, and the pages show every mistake at once."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.campaigns.models import LabOutcome, QuarantineKind, RiskLevel

DATE_ERRORS = {
    "required": _("Enter a date."),
    "invalid": _("Enter the date as year-month-day, e.g. 2020-02-01."),
}


def _date(**kwargs):
    return forms.DateField(error_messages=DATE_ERRORS, **kwargs)


def errors_of(form: forms.Form) -> dict[str, str]:
    return {
        ("form" if name == NON_FIELD_ERRORS else name): " ".join(messages)
        for name, messages in form.errors.items()
    }


def errors_of_service(exc: Exception) -> dict[str, str]:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {
            ("form" if k == NON_FIELD_ERRORS else k): " ".join(v)
            for k, v in exc.message_dict.items()
        }
    if isinstance(exc, ValidationError):
        return {"form": " ".join(exc.messages)}
    return {"form": getattr(exc, "message", None) or str(exc)}


class ReturneeFields(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=30, required=False)
    origin = forms.CharField(max_length=300, required=False)
    risk = forms.CharField(max_length=10, required=False)
    arrived_on = _date(required=False)


class ReturneeForm(ReturneeFields):
    """The staff form's fields; its grid is ``GridChoiceForm``'s, chosen before this one."""

    household = forms.IntegerField(required=False, min_value=1)


class GridChoiceForm(forms.Form):
    """The grid a member registers a returnee in: one of ``grids``, those they record in."""

    grid = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


def grid_form(grids, *sources) -> GridChoiceForm:
    """The grid the first source that names one asks for (the post's, then the link's)."""
    data = next((source for source in sources if source.get("grid")), {})
    return GridChoiceForm(data, grids=grids)


class PublicReturneeForm(ReturneeFields):
    token = forms.CharField(max_length=1000, required=False)
    answer = forms.CharField(max_length=10, required=False)
    website = forms.CharField(max_length=200, required=False)  # the honeypot


class LabForm(forms.Form):
    tested_on = _date()
    result = forms.ChoiceField(
        choices=LabOutcome.choices,
        error_messages={
            "required": _("Choose the result."),
            "invalid_choice": _("Choose the result."),
        },
    )


class QuarantineForm(forms.Form):
    kind = forms.ChoiceField(
        choices=QuarantineKind.choices,
        error_messages={
            "required": _("Choose home quarantine or medical observation."),
            "invalid_choice": _("Choose home quarantine or medical observation."),
        },
    )
    starts_on = _date()
    ends_on = _date()


class FollowUpForm(forms.Form):
    day = _date()
    temperature = forms.CharField(max_length=10, required=False)
    condition = forms.CharField(max_length=400, required=False)


class FollowUpBackForm(forms.Form):
    """Where a recorded follow-up goes back to: today's list ("due") or the returnee's page."""

    next = forms.ChoiceField(choices=[("due", "due")], required=False)

    def to_due_list(self) -> bool:
        return self.is_valid() and self.cleaned_data["next"] == "due"


RISK_CHOICES = RiskLevel.choices
