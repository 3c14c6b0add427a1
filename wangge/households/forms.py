"""The household form: fields for people, validation delegated to ``household_validate``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wangge.core.api_helpers import MAX_ID
from wangge.core.forms import RegionChoiceField, add_service_errors, writable
from wangge.households.models import Household, Tag
from wangge.households.services import HOUSEHOLD_AREA_LEVELS, HouseholdData, household_validate
from wangge.regions.models import Region

KEEP_HELP = _("Now %(masked)s. Leave blank to keep it; type the full number to change it.")


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ticked rows by id; a value that is no id a database holds (letters, 40 digits) is an
    invalid choice, not a query the database refuses."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not text.isdigit() or not 0 < int(text) <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class TagChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label(get_language() or "")


class HouseholdForm(forms.Form):
    head_name = forms.CharField(label=_("Head of household"), max_length=50, required=False)
    head_id_number = forms.CharField(
        label=_("Head's ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    area = RegionChoiceField(
        label=_("Hamlet or villager group"), queryset=Region.objects.none(), required=False
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    size = forms.IntegerField(
        label=_("Number of people"),
        required=False,
        initial=1,
        error_messages={"invalid": _("Enter the number of people as a whole number.")},
    )
    tags = TagChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.order_by("sort", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            key: _("Choose tags from the list.")
            for key in ("invalid_choice", "invalid_pk_value", "invalid_list")
        },
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        self.household = household
        if household is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "head_name": household.head_name,
                "address": household.address,
                "area": household.area_id,
                "size": household.size,
                "tags": [tag.pk for tag in household.tags.all()],
                "note": household.note,
                "version": household.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = writable(
            Region.objects.filter(level__in=HOUSEHOLD_AREA_LEVELS), user, field="code"
        ).order_by("code")
        if household is None:
            del self.fields["clear_phone"]
        else:
            # Full numbers never go back to the browser: blank keeps the current value.
            self.fields["head_id_number"].help_text = KEEP_HELP % {
                "masked": household.head_id_masked
            }
            if household.phone_masked:
                self.fields["phone"].help_text = KEEP_HELP % {"masked": household.phone_masked}
            else:
                del self.fields["clear_phone"]
        self.validated: HouseholdData | None = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        id_number = cleaned.get("head_id_number") or ""
        phone = cleaned.get("phone") or ""
        if self.household is not None:
            id_number = id_number or self.household.head_id_number
            if not phone and not cleaned.get("clear_phone"):
                phone = self.household.phone
        try:
            self.validated = household_validate(
                head_name=cleaned.get("head_name", ""),
                head_id_number=id_number,
                address=cleaned.get("address", ""),
                area=cleaned.get("area"),
                phone=phone,
                size=cleaned.get("size"),
                note=cleaned.get("note", ""),
                tags=list(cleaned.get("tags") or []),
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned
