"""The forms behind the accounts' small POSTs (switches and codes): bad input is an error
message, never a server error."""

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

ON_OFF = [("0", "0"), ("1", "1")]


def _on(value: str) -> bool:
    return value == "1"


def safe_next(value: str | None, host: str) -> str:
    """Where to go afterwards: a path on this site; anything else is the home page."""
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={host}):
        return value
    return "/"


class NextField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=2000, **kwargs)


class LargeTextForm(forms.Form):
    on = forms.TypedChoiceField(choices=ON_OFF, coerce=_on, required=False, empty_value=False)
    next = NextField()


class TwoFactorForm(forms.Form):
    token = forms.CharField(max_length=20, strip=True)
    next = NextField()


class ActivationForm(forms.Form):
    activation_code = forms.CharField(max_length=40, strip=True)
    next = NextField()


class ActivationIssueForm(forms.Form):
    """The security administrator's: a code for one user, optionally removing their
    authenticators first (a lost or replaced phone)."""

    user = forms.ModelChoiceField(label=_("User"), queryset=None)
    reset = forms.BooleanField(
        label=_("Remove the authenticator the user has now (lost or new phone)"), required=False
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users


class ActiveForm(forms.Form):
    """Enable (1) or disable (0) an account."""

    active = forms.TypedChoiceField(choices=ON_OFF, coerce=_on)
