"""Helpers that let Django forms reuse the services' validation and the user's write scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes, in_areas
from wangge.core.api_helpers import MAX_ID
from wangge.core.errors import DomainError
from wangge.core.reveal import purposes_for_area, validate_reason


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError({field: message})`` on the matching form fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def errors_text(form: forms.Form) -> str:
    """A bound form's errors as one sentence a person reads, each message once."""
    said = dict.fromkeys(str(e) for errors in form.errors.values() for e in errors)
    return " ".join(said)


def cleaned_or_raise(form: forms.Form) -> dict:
    """The form's cleaned data; a DomainError in the form's own words when it is not valid.

    Lets a view read a post and call the service in one ``try``: both refusals read alike.
    """
    if not form.is_valid():
        raise DomainError(errors_text(form))
    return form.cleaned_data


def id_field(message: str, **kwargs) -> forms.IntegerField:
    """A row's id from a post; anything that cannot name a row gets ``message``."""
    errors = dict.fromkeys(("required", "invalid", "min_value", "max_value"), message)
    return forms.IntegerField(min_value=1, max_value=MAX_ID, error_messages=errors, **kwargs)


def writable(queryset: QuerySet, user, *, field: str = "area_code") -> QuerySet:
    """Records in areas where ``user`` may write the registry (nothing when none)."""
    return in_areas(queryset, area_prefixes(user, REGISTRY_WRITERS), field=field)


class RegionChoiceField(forms.ModelChoiceField):
    """Areas listed with their full code so two hamlets of the same name can be told apart."""

    def label_from_instance(self, obj) -> str:
        indent = {"village": "", "hamlet": "· ", "group": "· · "}.get(obj.level, "")
        return f"{indent}{obj.name} ({obj.code})"


class RevealForm(forms.Form):
    """A purpose from the township's list and, in the user's own words, the case it is for."""

    purpose = forms.ModelChoiceField(
        label=_("Purpose"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose what the full number is needed for."),
            "invalid_choice": _("Choose a purpose from the list."),
        },
    )
    reason = forms.CharField(
        label=_("Details: which application or whose case"),
        max_length=200,
        error_messages={"required": _("Say why you need to see the full ID number and phone.")},
    )

    def __init__(self, *args, area_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = purposes_for_area(area_code)

    def clean_reason(self) -> str:
        return validate_reason(self.cleaned_data["reason"])


class PurposeForm(forms.Form):
    name = forms.CharField(label=_("New purpose"), max_length=40)


class PurposeActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1")


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)


def year_from(*sources) -> int:
    """The year the first source that names one asks for; none, or nonsense, means this year."""
    data = next((source for source in sources if source.get("year")), {})
    form = YearForm(data)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year
