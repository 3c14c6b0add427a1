"""Forms of the duties, scores and talks pages (the services check everything again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.assessment.scoring import ENTERED, REGISTRY, label_of


class DutyListForm(forms.Form):
    items = forms.CharField(
        label=_("Duties, one per line"), widget=forms.Textarea(attrs={"rows": 10}), max_length=12000
    )


class SchemeForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("A talk opens below this score"), min_value=0, max_value=100, decimal_places=1
    )
    repeat_days = forms.IntegerField(
        label=_("A second talk within this many days is an admonition talk"),
        min_value=1,
        max_value=3660,
    )
    commended_size = forms.IntegerField(
        label=_("People on the commended list"), min_value=1, max_value=100
    )

    def __init__(self, *args, weights: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for key in REGISTRY:
            self.fields[f"w_{key}"] = forms.IntegerField(
                label=label_of(key), min_value=0, max_value=100, initial=weights.get(key, 0)
            )

    def weight_fields(self):
        return [self[f"w_{key}"] for key in REGISTRY]

    def weights(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"w_{key}"] or 0 for key in REGISTRY}


class MarkForm(forms.Form):
    key = forms.ChoiceField(label=_("Method"), choices=())
    mark = forms.IntegerField(label=_("Mark (0–100)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What was heard or checked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(k, label_of(k)) for k in ENTERED]


class TalkCloseForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    held_by = forms.CharField(label=_("Held by"), required=False, max_length=100)
    notes = forms.CharField(
        label=_("Internal notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    outcome = forms.CharField(
        label=_("Outcome of the talk"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PeriodForm(forms.Form):
    """Which period a scores page or action is about (``2026-05``, ``2026Q2``…)."""

    period = forms.CharField(required=False)


class ScoreComputeForm(forms.Form):
    township = forms.CharField(required=False, max_length=12)


class ScoreApproveForm(forms.Form):
    area = forms.CharField(
        max_length=15, error_messages={"required": _("Choose the area to approve.")}
    )
