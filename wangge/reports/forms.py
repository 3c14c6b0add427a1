from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.periods import PeriodError, parse_past_period


class BulletinForm(forms.Form):
    """The chooser: which area (checked against the user's scope by the view: 404 outside it)
    and which period (a year, half-year, quarter or month that has begun)."""

    area = forms.CharField(label=_("Township or village"), max_length=18)
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_("A quarter (2021-Q4), half-year (2021-H2), year (2021) or month (2021-10)."),
    )

    def clean_period(self):
        try:
            return parse_past_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc
