"""Forms of the notice and feedback pages; every POST goes through one of these."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role
from wangge.households.forms import IdMultipleChoiceField
from wangge.notices.attachments import MAX_ATTACHMENTS
from wangge.notices.models import Addressee, NoticeKind, Topic

DAMAGED = _("The form was damaged; reload the page and try again.")
_OUTSIDE = _("Choose only areas, grids and branches of your area.")

# Roles a notice may be addressed to (the administrators' roles are not an audience).
AUDIENCE_ROLES = [
    (r.value, r.label)
    for r in (
        Role.TOWNSHIP_LEADER,
        Role.VILLAGE_SECRETARY,
        Role.VILLAGE_COMMITTEE,
        Role.GROUP_LEADER,
        Role.MEMBER,
        Role.DISCIPLINE,
    )
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (kind and size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _multi(queryset=None, *, by_id: bool = False, **kwargs):
    field = IdMultipleChoiceField if by_id else forms.ModelMultipleChoiceField
    return field(
        queryset=queryset,
        required=False,
        error_messages={"invalid_choice": _OUTSIDE, "invalid_pk_value": _OUTSIDE},
        **kwargs,
    )


class NoticeForm(forms.Form):
    """``areas``, ``grids``, ``layers``, ``branches``: what the sender may choose."""

    area = forms.ChoiceField(error_messages={"invalid_choice": DAMAGED, "required": DAMAGED})
    title = forms.CharField(required=False)  # the service says what is missing
    body = forms.CharField(required=False)
    kind = forms.ChoiceField(
        choices=NoticeKind.choices, error_messages={"invalid_choice": DAMAGED, "required": DAMAGED}
    )
    topic = forms.ChoiceField(
        choices=Topic.choices, error_messages={"invalid_choice": DAMAGED, "required": DAMAGED}
    )
    everyone = forms.BooleanField(required=False)
    villages = _multi(to_field_name="code")
    grids = _multi(by_id=True)
    layers = _multi(to_field_name="slug")
    branches = _multi(by_id=True)
    roles = forms.MultipleChoiceField(
        choices=AUDIENCE_ROLES, required=False, error_messages={"invalid_choice": DAMAGED}
    )
    urgent = forms.BooleanField(required=False)
    by_sms = forms.BooleanField(required=False)
    attachments = MultipleFileField()

    def __init__(self, *args, senders, areas, grids, layers, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(r.code, r.name) for r in senders]
        self.fields["villages"].queryset = areas
        self.fields["grids"].queryset = grids
        self.fields["layers"].queryset = layers
        self.fields["branches"].queryset = branches


class NoticeRefForm(forms.Form):
    """The notice a feedback is about, from the page's address or its hidden field."""

    notice = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class FeedbackForm(forms.Form):
    notice = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, error_messages={"invalid": DAMAGED}
    )
    addressed_to = forms.ChoiceField(
        choices=Addressee.choices, error_messages={"invalid_choice": DAMAGED, "required": DAMAGED}
    )
    topic = forms.ChoiceField(
        choices=Topic.choices, error_messages={"invalid_choice": DAMAGED, "required": DAMAGED}
    )
    subject = forms.CharField(required=False)
    text = forms.CharField(required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(required=False)  # the service says "Write your reply."


class CloseForm(forms.Form):
    """Closing a thread takes no input; the form keeps every POST on the same path."""


class ToRequestForm(forms.Form):
    """``grids``: the writer's village's grids; ``categories``: the township's."""

    grid = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "required": _("Choose the grid the request belongs to."),
            "invalid_choice": _("Choose a grid of the writer's village."),
        },
    )
    category = forms.ModelChoiceField(
        queryset=None, required=False, error_messages={"invalid_choice": DAMAGED}
    )

    def __init__(self, *args, grids, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["category"].queryset = categories


class ToOpinionForm(forms.Form):
    campaign = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": _("Choose the campaign the opinion belongs to."),
            "invalid_choice": _("Choose a campaign that collects opinions in the writer's area."),
        },
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.pk, c.name) for c in campaigns]
