"""Forms of the five-star pages: they read the post; the services in ``stars`` judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.assessment.models import STAR_KINDS, StarKind

UNKNOWN_STAR = {"invalid_choice": _("Tick stars from the list only.")}


def _text() -> forms.CharField:
    # The services say when a text is missing or too long, in the words of the step.
    return forms.CharField(required=False)


def _stars() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=StarKind.choices, required=False, error_messages=UNKNOWN_STAR
    )


class SelfEvaluationForm(forms.Form):
    kinds = _stars()
    reason = _text()


class MemberStarsForm(forms.Form):
    """Stars ticked for each member (fields ``m<pk>``): a peer ballot or a proposal."""

    def __init__(self, *args, member_ids, **kwargs):
        super().__init__(*args, **kwargs)
        for pk in member_ids:
            self.fields[f"m{pk}"] = _stars()

    def ticked(self) -> dict[int, list[str]]:
        """The members with at least one star ticked, and their stars."""
        return {int(name[1:]): kinds for name, kinds in self.cleaned_data.items() if kinds}


class RoundOpenForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "required": _("Choose a branch in your area."),
            "invalid_choice": _("Choose a branch in your area."),
        },
    )
    quorum_percent = forms.IntegerField(
        required=False,
        error_messages={"invalid": _("The peer quorum is a whole number of per cent.")},
    )
    notice_days = forms.IntegerField(
        required=False,
        error_messages={"invalid": _("The public notice lasts a whole number of days.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean_quorum_percent(self) -> int:
        value = self.cleaned_data["quorum_percent"]
        return 50 if value is None else value

    def clean_notice_days(self) -> int:
        value = self.cleaned_data["notice_days"]
        return 5 if value is None else value


ROUND_ACTIONS = ["advance", "propose", "approve", "return", "finalize"]


class RoundActForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ROUND_ACTIONS])
    note = _text()
    expected = _text()


class ObjectionAnswerForm(forms.Form):
    answer = _text()


class CriteriaForm(forms.Form):
    """What earns each star, one text a star kind (the service says which are missing)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in STAR_KINDS:
            self.fields[kind] = _text()
