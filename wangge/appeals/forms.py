"""Forms for every page that posts: they turn what was sent into typed values (or plain
errors) before a service sees it. The services keep the rules (categories of the township,
phone formats, time limits); the forms only refuse what is malformed."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.appeals.models import Channel
from wangge.appeals.services import ACTIONS, MAX_TEXT
from wangge.core.api_helpers import MAX_ID
from wangge.core.images import photo_clean

CHOOSE_CATEGORY = {
    "required": _("Choose a category."),
    "invalid": _("Choose a category."),
    "max_value": _("Choose a category."),
    "min_value": _("Choose a category."),
}


def _text(max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, **kwargs)


def _id(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, **kwargs)


class _PhotoMixin:
    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        return photo_clean(upload) if upload else None


def form_errors(form: forms.Form) -> dict[str, str]:
    """``{field: "message …"}`` for the templates (``form`` for errors of the whole form)."""
    return {
        ("form" if name == NON_FIELD_ERRORS else name): " ".join(messages)
        for name, messages in form.errors.items()
    }


def form_message(form: forms.Form) -> str:
    """A form's errors as one sentence, for a page that answers with a message."""
    return " ".join(" ".join(messages) for messages in form.errors.values())


def service_errors(exc: Exception) -> dict[str, str]:
    """The same shape for a service's ValidationError or DomainError."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {
            ("form" if k == NON_FIELD_ERRORS else k): " ".join(v)
            for k, v in exc.message_dict.items()
        }
    return {"form": error_text(exc)}


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", None) or str(exc) or str(_("You may not do that."))


class ActForm(forms.Form):
    """A button on the appeal's page: an action of the state machine, a note, a rating."""

    action = forms.ChoiceField(
        choices=[(name, name) for name, step in ACTIONS.items() if step.service is not None],
        error_messages={"required": _("Unknown action."), "invalid_choice": _("Unknown action.")},
    )
    note = _text(MAX_TEXT)
    rating = _text(20)


class FromVisitForm(forms.Form):
    """The category for a visit's needs (empty: the township's "other")."""

    category = _id(error_messages=CHOOSE_CATEGORY)


class HouseholdChoiceForm(forms.Form):
    household = _id()


class AppealForm(_PhotoMixin, forms.Form):
    """A member records an appeal for a household."""

    household = _id()
    category = _id(error_messages=CHOOSE_CATEGORY)
    text = _text(MAX_TEXT)
    contact_name = _text(50)
    contact_phone = _text(30)
    channel = _text(20)
    photo = forms.FileField(required=False)
    form_key = _text(40)

    def clean_category(self):
        if self.cleaned_data.get("category") is None:
            raise ValidationError(_("Choose a category."))
        return self.cleaned_data["category"]

    def clean_channel(self):
        channel = self.cleaned_data.get("channel")
        return channel if channel in (Channel.MEMBER, Channel.VISIT) else Channel.MEMBER


class PhoneIntakeForm(forms.Form):
    """Township staff enter an appeal that came by phone."""

    grid = _id(error_messages={"invalid": _("Choose the grid the caller lives in.")})
    household = _id(
        error_messages={
            "invalid": _("No household with that number in your area."),
            "max_value": _("No household with that number in your area."),
            "min_value": _("No household with that number in your area."),
        }
    )
    category = _id(error_messages=CHOOSE_CATEGORY)
    text = _text(MAX_TEXT)
    contact_name = _text(50)
    contact_phone = _text(30)
    address = _text(200)
    form_key = _text(40)


class CategoryForm(forms.Form):
    """A township's category and its time limits (``pk`` empty: a new one)."""

    township = _text(12)
    pk = _id()
    name = _text(50)
    accept_hours = forms.IntegerField(
        required=False, error_messages={"invalid": _("Accept within 1 to 720 hours.")}
    )
    resolve_working_days = forms.IntegerField(
        required=False, error_messages={"invalid": _("Resolve within 1 to 90 working days.")}
    )
    urgent = _text(5)
    active = _text(5)

    def clean_accept_hours(self):
        return self.cleaned_data.get("accept_hours") or 0

    def clean_resolve_working_days(self):
        return self.cleaned_data.get("resolve_working_days") or 0

    def clean_urgent(self) -> bool:
        return self.cleaned_data["urgent"] == "1"

    def clean_active(self) -> bool:
        # A category's row posts its switch; the new-category row has none: it starts active.
        return self.cleaned_data["active"] == "1" if "active" in self.data else True


class PublicForm(_PhotoMixin, forms.Form):
    """A resident's appeal from the grid's QR code, with the anti-abuse fields."""

    token = _text(1000)
    answer = _text(10)
    website = _text(200)  # the honeypot
    category = _id(error_messages=CHOOSE_CATEGORY)
    text = _text(MAX_TEXT)
    contact_name = _text(50)
    contact_phone = _text(30)
    address = _text(200)
    photo = forms.FileField(required=False)

    def clean_category(self):
        if self.cleaned_data.get("category") is None:
            raise ValidationError(_("Choose a category."))
        return self.cleaned_data["category"]


class RecoverForm(forms.Form):
    """The phone a resident gave, then the code texted to it (lost ticket number)."""

    phone = _text(20)
    code = _text(10)


class TrackForm(forms.Form):
    """Ticket + phone to look an appeal up; a rating when the resident gives one."""

    ticket = _text(20)
    phone = _text(20)
    rating = _text(20)
    note = forms.CharField(required=False)  # the service keeps the first 500 characters
