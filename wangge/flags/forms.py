"""Forms of the flags pages: a decision on a flag, an upload, the column mapping, a rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.errors import DomainError
from wangge.flags.models import AgencySource
from wangge.flags.reading import check_archive

# A hidden field that does not hold what the page put there: tampered, or a stale page.
DAMAGED = _("The form was damaged; reload the page and try again.")
MAX_UPLOAD = 50 * 1024 * 1024


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "accept"), ("dismiss", "dismiss")],
        error_messages={"invalid_choice": DAMAGED, "required": DAMAGED},
    )
    needs = forms.CharField(required=False)
    reason = forms.CharField(required=False)  # the service asks for it when dismissing


class UploadForm(forms.Form):
    """``areas``: the codes the user may upload for; with only one, it need not be chosen."""

    source = forms.ModelChoiceField(
        queryset=AgencySource.objects.all(),
        to_field_name="kind",
        error_messages={
            "invalid_choice": _("Choose which agency the file comes from."),
            "required": _("Choose which agency the file comes from."),
        },
    )
    area_code = forms.CharField(required=False)
    file = forms.FileField(
        error_messages={
            "required": _("Choose the file to upload."),
            "invalid": _("Choose the file to upload."),
            "empty": _("Choose the file to upload."),
        }
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas

    def clean_area_code(self) -> str:
        code = self.cleaned_data["area_code"] or (self.areas[0] if len(self.areas) == 1 else "")
        if code not in self.areas:
            raise forms.ValidationError(_("Choose the area the file is for."))
        return code

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("The file is larger than 50 MB; split it into smaller files.")
            )
        try:
            check_archive(upload.file)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        finally:
            upload.seek(0)
        return upload


class MappingForm(forms.Form):
    """Which column of the file holds each field (``map_<field>``); the parser checks them."""

    action = forms.CharField(required=False)

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        for f in fields:
            self.fields[f"map_{f.name}"] = forms.CharField(required=False)
        self.format_fields = fields

    def mapping(self) -> dict:
        return {f.name: self.cleaned_data.get(f"map_{f.name}", "") for f in self.format_fields}


class RuleForm(forms.Form):
    """Name and description left out of the post stay as they are (``None``)."""

    conditions = forms.CharField(required=False, strip=False)
    name = forms.CharField(required=False)
    description = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "conditions": data["conditions"],
            "name": data["name"] if "name" in self.data else None,
            "description": data["description"] if "description" in self.data else None,
            "note": data["note"],
        }


def error_text(form: forms.Form) -> str:
    """The form's errors as plain sentences for the message bar."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
