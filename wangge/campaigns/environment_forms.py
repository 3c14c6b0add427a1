from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.forms import writable
from wangge.party.models import Organisation
from wangge.regions.models import Level, Region


class HamletChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.parent.name if obj.parent else obj.code}）"


class InspectionForm(forms.Form):
    """An inspection: the hamlet, the council, the day and one score per item."""

    hamlet = HamletChoice(
        label=_("Hamlet"),
        queryset=Region.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a hamlet from the list.")},
    )
    council = forms.ModelChoiceField(
        label=_("Inspected by"),
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a council from the list.")},
    )
    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the day as YYYY-MM-DD.")},
    )
    note = forms.CharField(
        label=_("What was found (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, items, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["hamlet"].queryset = (
            writable(Region.objects.filter(level=Level.HAMLET), user, field="code")
            .select_related("parent")
            .order_by("code")
        )
        self.fields["council"].queryset = councils
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=_("%(item)s (0–%(max)d points)")
                % {"item": item.name, "max": item.max_points},
                required=False,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": item.max_points, "inputmode": "numeric"}
                ),
                error_messages={"invalid": _("Enter a whole number of points.")},
            )

    def scores(self) -> dict[int, int | None]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Item"), required=False, max_length=40)
    max_points = forms.IntegerField(
        label=_("Most points"),
        required=False,
        error_messages={"invalid": _("Enter a whole number of points.")},
    )


class ComparisonForm(forms.Form):
    """The township's switch: whether villages are compared with each other."""

    on = forms.TypedChoiceField(
        choices=[("0", "0"), ("1", "1")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
        error_messages={"invalid_choice": _("Choose whether villages are compared: on or off.")},
    )
