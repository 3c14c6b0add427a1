"""Helpers that let Django forms reuse the services' validation and the user's write scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes, in_areas


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
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        max_length=200,
        error_messages={"required": _("Say why you need to see the full ID number and phone.")},
    )
