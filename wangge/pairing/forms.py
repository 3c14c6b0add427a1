"""What the pairing pages accept from a POST; the services check the rest (rights, caps)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.api_helpers import MAX_ID
from wangge.core.forms import id_field
from wangge.pairing.models import PairingRules
from wangge.pairing.services import RULE_FIELDS


def _next() -> forms.CharField:
    """The page to go back to afterwards (checked to be on this site before use)."""
    return forms.CharField(required=False, max_length=2000)


class PairMemberForm(forms.Form):
    member = id_field(_("Choose a member from the list."))
    next = _next()


class PairHouseholdForm(forms.Form):
    household = id_field(_("Choose a household from the list."))


class EndForm(forms.Form):
    reason = forms.CharField(required=False)  # the service says when it is missing
    next = _next()


class CapForm(forms.Form):
    cap = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=50,
        error_messages={
            "invalid": _("Enter a whole number, or leave empty to follow the rules."),
            "min_value": _("Enter a number from 0 to 50."),
            "max_value": _("Enter a number from 0 to 50."),
        },
    )
    reason = forms.CharField(required=False)


class ProposeForm(forms.Form):
    area_code = forms.CharField(max_length=18)


RULES_CONFLICT = _("Someone else changed the rules while you were editing; reload and retry.")
WHOLE_NUMBERS = _("Enter whole numbers in every field.")


class RulesForm(forms.Form):
    """One field per rule; ``version`` is the one the page was drawn from."""

    version = forms.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        error_messages={key: RULES_CONFLICT for key in ("invalid", "min_value", "max_value")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RULE_FIELDS:
            label = PairingRules._meta.get_field(name).verbose_name
            if name == "allow_other_village":
                self.fields[name] = forms.BooleanField(label=label, required=False)
            else:
                self.fields[name] = forms.IntegerField(
                    label=label,
                    error_messages={"required": WHOLE_NUMBERS, "invalid": WHOLE_NUMBERS},
                )
