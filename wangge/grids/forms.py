from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import prefix_q, visible
from wangge.core.forms import RegionChoiceField, id_field, writable
from wangge.grids.models import Person
from wangge.households.forms import KEEP_HELP, IdMultipleChoiceField
from wangge.households.models import Household
from wangge.party.models import Member
from wangge.regions.models import Level, Region


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
            Region.objects.filter(
                level__in=[Level.TOWNSHIP, Level.VILLAGE, Level.HAMLET, Level.GROUP]
            ),
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
            Region.objects.filter(level=Level.HAMLET), user, field="code"
        ).order_by("code")


def _ticked(queryset, *, required: str, invalid: str) -> IdMultipleChoiceField:
    return IdMultipleChoiceField(
        queryset=queryset,
        error_messages={
            "required": required,
            "invalid_choice": invalid,
            "invalid_pk_value": invalid,
            "invalid_list": invalid,
        },
    )


class AssignForm(forms.Form):
    """The households ticked to move into a grid, from the pool the page offers."""

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"] = _ticked(
            pool,
            required=_("Tick the households to move into this grid."),
            invalid=_("Tick the households to move into this grid."),
        )


class MergeForm(forms.Form):
    """The grids ticked to fold into this one, from the candidates the page offers."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"] = _ticked(
            candidates,
            required=_("Tick at least one grid to merge into this one."),
            invalid=_("Tick at least one grid to merge into this one."),
        )


class PersonForm(forms.Form):
    """A person who serves; ``member`` and ``household`` are optional links by number."""

    name = forms.CharField(label=_("Name"), required=False)  # the service names what is missing
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    area = RegionChoiceField(
        label=_("Area"),
        queryset=Region.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose an area from the list.")},
    )
    member = forms.ModelChoiceField(
        label=_("Party member record (number, optional)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No member with this number in your area.")},
    )
    household = forms.ModelChoiceField(
        label=_("Household (number, optional)"),
        queryset=Household.objects.none(),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid_choice": _("No household with this number in your area.")},
    )
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Full numbers never go back to the browser: blank keeps the current one.
        if person is not None and person.phone_masked:
            self.fields["phone"].help_text = KEEP_HELP % {"masked": person.phone_masked}
        else:
            del self.fields["clear_phone"]
        self.fields["area"].queryset = writable(
            Region.objects.filter(level__in=[Level.VILLAGE, Level.HAMLET, Level.GROUP]),
            user,
            field="code",
        ).order_by("code")
        self.fields["member"].queryset = visible(Member.objects.all(), user)
        self.fields["household"].queryset = visible(
            Household.objects.defer("head_id_number", "phone"), user
        )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.area.name}）"


class RosterForm(forms.Form):
    """Add a member or a person to a grid's roster, with a duty."""

    member = MemberChoice(
        label=_("Party member"),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a member from the list.")},
    )
    person = PersonChoice(
        label=_("Or a person who serves"),
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a person from the list.")},
    )
    duty = forms.CharField(
        label=_("Duty"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"list": "duties"}),
    )
    township_leader = forms.BooleanField(
        label=_("Member of the township leadership (班子成员)"), required=False
    )

    def __init__(self, *args, user, grid, prefix_code, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            visible(Member.objects.select_related("organisation"), user)
            .filter(prefix_q("area_code", prefix_code))
            .defer("id_number", "phone")
            .order_by("area_code", "name")
        )
        self.fields["person"].queryset = (
            visible(Person.objects.select_related("area"), user)
            .filter(prefix_q("area_code", prefix_code))
            .defer("phone")
            .order_by("area_code", "name")
        )
        if grid.level != 1:
            del self.fields["township_leader"]


class SeatForm(forms.Form):
    """Seat a person who serves, or a member, on a council with a role."""

    person = PersonChoice(
        label=_("Person who serves"),
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a person from the list.")},
    )
    member = MemberChoice(
        label=_("Or a Party member"),
        queryset=Member.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a member from the list.")},
    )
    role = forms.CharField(
        label=_("Role"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"list": "roles"}),
    )

    def __init__(self, *args, user, village_code, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            visible(Person.objects.select_related("area"), user)
            .filter(prefix_q("area_code", village_code))
            .defer("phone")
            .order_by("area_code", "name")
        )
        self.fields["member"].queryset = (
            visible(Member.objects.select_related("organisation"), user)
            .filter(prefix_q("area_code", village_code))
            .defer("id_number", "phone")
            .order_by("area_code", "name")
        )


NOT_ON_ROSTER = _("This person is not on the grid's roster (any more).")


class RosterRemoveForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("member", "member"), ("person", "person")],
        error_messages={"required": NOT_ON_ROSTER, "invalid_choice": NOT_ON_ROSTER},
    )
    id = id_field(NOT_ON_ROSTER)


class CouncilNewForm(forms.Form):
    hamlet = forms.CharField(max_length=15)


class SeatRemoveForm(forms.Form):
    seat = id_field(_("This seat is not on the council's roster (any more)."))
