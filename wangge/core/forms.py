"""Helpers that let Django forms reuse the services' validation and the user's write scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes, in_areas
from wangge.core.reveal import purposes_for_area, validate_reason


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError({field: message})`` on the matching form fields."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


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
