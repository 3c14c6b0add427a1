from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import visible
from wangge.party.models import Member
from wangge.regions.models import Region


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organisation.name}）"


class GridForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Region.objects.none(), required=False)
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", "—"),
            (1, _("Level 1: township leaders")),
            (2, _("Level 2: village two committees")),
            (3, _("Level 3: Party-group and villager-group leaders")),
            (4, _("Level 4: members")),
        ],
    )
    responsible = MemberChoice(
        label=_("First responsible person"), queryset=Member.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible(
            Region.objects.filter(level__in=["township", "village", "hamlet", "group"]),
            user,
            field="code",
        ).order_by("code")
        self.fields["responsible"].queryset = visible(
            Member.objects.select_related("organisation"), user
        ).order_by("area_code", "name")
        if editing:
            del self.fields["area"]
            del self.fields["level"]


class AutoSplitForm(forms.Form):
    hamlet = forms.ModelChoiceField(label=_("Hamlet"), queryset=Region.objects.none())
    target_size = forms.IntegerField(
        label=_("Households per grid"), min_value=3, max_value=500, initial=30
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = visible(
            Region.objects.filter(level="hamlet"), user, field="code"
        ).order_by("code")
