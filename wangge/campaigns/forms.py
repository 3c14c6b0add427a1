"""Forms of the campaign pages: a new campaign, an opinion's category, a category's name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.campaigns.models import CampaignKind

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
    next = forms.CharField(required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class CategoryForm(forms.Form):
    """A new category, or (with ``category``) a new name for one of the township's."""

    category = forms.ModelChoiceField(
        queryset=None, required=False, error_messages={"invalid_choice": DAMAGED}
    )
    name = forms.CharField(required=False)  # the service says "Give the category a name."

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


def error_text(form: forms.Form) -> str:
    """The form's errors as plain sentences for the message bar."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
