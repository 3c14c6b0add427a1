"""The member form: fields for people, validation delegated to ``member_validate``."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.core.forms import RegionChoiceField, add_service_errors, writable
from wangge.party.models import Member, Organisation
from wangge.party.selectors import AGE_BANDS
from wangge.party.services import MemberData, member_validate
from wangge.regions.models import Level, Region

MEMBER_AREA_LEVELS = [Level.VILLAGE, Level.HAMLET, Level.GROUP]
DATE_ERROR = _("Enter the date as year-month-day, e.g. 1965-03-08.")
KEEP_HELP = _("Now %(masked)s. Leave blank to keep it; type the full number to change it.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: checked against the birth date in the ID number."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Branch"), queryset=Organisation.objects.none(), required=False
    )
    area = RegionChoiceField(label=_("Home area"), queryset=Region.objects.none(), required=False)
    joined_on = forms.DateField(label=_("Joined the Party on"), required=False, widget=DateInput())
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    is_mobile = forms.BooleanField(label=_("Mobile (floating) member"), required=False)
    mobile_whereabouts = forms.CharField(
        label=_("Where they are now"), max_length=100, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, member: Member | None = None, **kwargs):
        self.user = user
        self.member = member
        if member is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": member.name,
                "birth_date": member.birth_date,
                "organisation": member.organisation_id,
                "area": member.area_id,
                "joined_on": member.joined_on,
                "is_mobile": member.is_mobile,
                "mobile_whereabouts": member.mobile_whereabouts,
                "version": member.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = writable(Organisation.objects.all(), user).order_by(
            "area_code", "name"
        )
        self.fields["area"].queryset = writable(
            Region.objects.filter(level__in=MEMBER_AREA_LEVELS), user, field="code"
        ).order_by("code")
        for name in ("birth_date", "joined_on"):
            self.fields[name].error_messages["invalid"] = DATE_ERROR
        if member is None:
            del self.fields["clear_phone"]
        else:
            # Full numbers never go back to the browser: blank keeps the current value.
            self.fields["id_number"].help_text = KEEP_HELP % {"masked": member.id_masked}
            if member.phone_masked:
                self.fields["phone"].help_text = KEEP_HELP % {"masked": member.phone_masked}
            else:
                del self.fields["clear_phone"]
        self.validated: MemberData | None = None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        id_number = cleaned.get("id_number") or ""
        phone = cleaned.get("phone") or ""
        if self.member is not None:
            id_number = id_number or self.member.id_number
            if not phone and not cleaned.get("clear_phone"):
                phone = self.member.phone
        try:
            self.validated = member_validate(
                name=cleaned.get("name", ""),
                id_number=id_number,
                phone=phone,
                organisation=cleaned.get("organisation"),
                area=cleaned.get("area"),
                birth_date=cleaned.get("birth_date"),
                joined_on=cleaned.get("joined_on"),
                is_mobile=cleaned.get("is_mobile", False),
                mobile_whereabouts=cleaned.get("mobile_whereabouts", ""),
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned


AGE_BAND_CHOICES = [("", _("Any age"))] + [
    (band, label)
    for band, label in [
        ("lt40", _("Under 40")),
        ("40-59", _("40–59")),
        ("60-69", _("60–69")),
        ("70-79", _("70–79")),
        ("80plus", _("80 and over")),
        ("60plus", _("60 and over")),
    ]
    if band in AGE_BANDS
]
