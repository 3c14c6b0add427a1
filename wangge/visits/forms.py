import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.forms import id_field
from wangge.core.images import MAX_PHOTO_BYTES
from wangge.households.models import Tag
from wangge.visits.models import VisitKind

# A hidden field that does not hold what the page put there: tampered, or a stale page.
DAMAGED = _("The form was damaged; reload the page and try again.")


class VisitForm(forms.Form):
    """The visit log: date, kind, what was found, needs, an optional photo, and the fields of
    the extensions that apply (``visits.hooks``: the opinion while a visit campaign runs).
    ``client_key`` makes a resubmission find the first save."""

    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    visited_on = forms.DateField(
        label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("Kind of visit"), choices=VisitKind.choices, widget=forms.RadioSelect
    )
    found = forms.CharField(
        label=_("What you found"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs = forms.CharField(
        label=_("Needs the household raised"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Write every need here; from the visit's page they can all become one resident "
            "request together."
        ),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("Optional. A picture of at most 5 MB; its location data is removed."),
    )
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, households=(), extensions=(), fixed=False, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("visited_on", timezone.localdate())
        initial.setdefault("kind", VisitKind.ROUTINE)
        initial.setdefault("client_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [
            (h.pk, f"{h.head_name} · {h.address}") for h in households
        ]
        if fixed:
            # The household came with the link from the home page: no need to choose it again.
            self.fields["household"].widget = forms.HiddenInput()
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.extra_names = []
        for ext, bound in extensions:
            for name, field in ext.form_fields(bound).items():
                self.fields[name] = field
                self.extra_names.append(name)
        if self.extra_names:
            order = list(self.fields)
            base = [n for n in order if n not in self.extra_names]
            at = base.index("needs") + 1
            self.order_fields(base[:at] + self.extra_names + base[at:])

    def extra_data(self) -> dict:
        """The cleaned values of the extensions' fields, for ``visit_log(extra=...)``."""
        return {name: self.cleaned_data.get(name) for name in self.extra_names}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("The photo is larger than 5 MB. Choose a smaller photo or leave it out.")
            )
        return photo


class PolicyForm(forms.Form):
    """One row of the policy table: the default (no tag) or a tag's interval; an empty interval
    on a tag's row drops its policy. ``version`` is the row's version as the page showed it."""

    township = forms.RegexField(
        regex=r"^\d{9}$", max_length=9, error_messages={"invalid": DAMAGED, "required": DAMAGED}
    )
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        error_messages={"invalid_choice": DAMAGED},
    )
    interval_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        error_messages={
            "invalid": _("Enter a number of days from 1 to 366."),
            "min_value": _("Enter a number of days from 1 to 366."),
            "max_value": _("Enter a number of days from 1 to 366."),
        },
    )
    version = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        error_messages={"invalid": DAMAGED, "min_value": DAMAGED, "max_value": DAMAGED},
    )

    def clean(self):
        data = super().clean()
        empty = "interval_days" in data and data["interval_days"] is None
        if empty and "tag" in data and data["tag"] is None:
            self.add_error("interval_days", _("Enter a number of days from 1 to 366."))
        return data


class HouseholdChoiceForm(forms.Form):
    """The household chosen on the visit form without one in the URL; anything but an id
    leaves the choice to the visit form's own error."""

    household = id_field("", required=False)
