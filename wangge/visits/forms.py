import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.core.images import MAX_PHOTO_BYTES
from wangge.visits.models import VisitKind


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
        help_text=_("Each need can later be turned into a resident request."),
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
