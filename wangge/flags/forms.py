"""Forms of the flags pages: a decision on a flag, an upload, the column mapping, a rule."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.errors import DomainError
from wangge.flags.formats import FORMATS
from wangge.flags.models import AgencySource
from wangge.flags.reading import check_archive

# A hidden field that does not hold what the page put there: tampered, or a stale page.
DAMAGED = _("The form was damaged; reload the page and try again.")
_DAMAGED = {"invalid_choice": DAMAGED, "required": DAMAGED}
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
    """Name and description left out of the post stay as they are (``None``). ``mode`` says
    whether the conditions come from the rows of the condition form or from the JSON view."""

    mode = forms.ChoiceField(
        choices=[("json", "json"), ("form", "form")], required=False, error_messages=_DAMAGED
    )
    match = forms.ChoiceField(
        choices=[("all", _("all of")), ("any", _("any of"))],
        required=False,
        error_messages=_DAMAGED,
    )
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


CONDITION_KINDS = [
    ("", "—"),
    ("on_list", _("On the agency's list")),
    ("sum", _("The amounts add up to")),
    ("field", _("The category is one of")),
    ("has_tag", _("The household carries the tag")),
]


class ConditionRowForm(forms.Form):
    """One condition of a rule in plain fields; the rule's JSON is built from the rows.

    The field a condition looks at follows from its kind and source: the summed amount (个人自付,
    月保障金额) for a sum, the category (保障类别, 残疾等级, 监测类型...) for a category."""

    kind = forms.ChoiceField(choices=CONDITION_KINDS, required=False, error_messages=_DAMAGED)
    source = forms.ChoiceField(choices=(), required=False, error_messages=_DAMAGED)
    within_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": _("Give the months as a whole number from 1 to 120."),
            "min_value": _("Give the months as a whole number from 1 to 120."),
            "max_value": _("Give the months as a whole number from 1 to 120."),
        },
    )
    op = forms.ChoiceField(
        choices=[("gt", _("more than")), ("gte", _("at least"))],
        required=False,
        error_messages=_DAMAGED,
    )
    limit = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("Give the amount as a number, e.g. 50000.")},
    )
    values = forms.CharField(required=False, max_length=500)
    tag = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—"), *sources]

    def condition(self) -> dict | None:
        """The row as a JSON condition (None for an empty row); the rule's validator checks it."""
        data = self.cleaned_data
        kind, source = data.get("kind"), data.get("source") or ""
        if not kind:
            return None
        if kind == "on_list":
            return {"on_list": source}
        if kind == "has_tag":
            return {"has_tag": (data.get("tag") or "").strip()}
        fmt = FORMATS.get(source)
        if kind == "sum":
            field = fmt.amount_fields[0] if fmt and fmt.amount_fields else ""
            limit = data.get("limit")
            whole = limit is not None and limit == int(limit)
            number = int(limit) if whole else (None if limit is None else str(limit))
            return {
                "source": source,
                "sum": field,
                "within_months": data.get("within_months") or 12,
                data.get("op") or "gt": number,
            }
        field = fmt.category_field if fmt else ""
        values = [v.strip() for v in re.split(r"[,，、\s]+", data.get("values") or "") if v.strip()]
        return {
            "source": source,
            "field": field,
            "in": [int(v) if v.isdigit() else v for v in values],
        }


def condition_rows(conditions) -> tuple[str, list[dict]] | None:
    """A rule's conditions as (all/any, rows) when they are one list of plain conditions (the
    form can show them); None when they nest (only the JSON view can)."""
    if not isinstance(conditions, dict):
        return None
    match = next((c for c in ("all", "any") if c in conditions), None)
    leaves = conditions[match] if match else [conditions]
    rows = []
    for leaf in leaves:
        if not isinstance(leaf, dict) or "all" in leaf or "any" in leaf:
            return None
        if "on_list" in leaf:
            rows.append({"kind": "on_list", "source": leaf["on_list"]})
        elif "has_tag" in leaf:
            rows.append({"kind": "has_tag", "tag": leaf["has_tag"]})
        elif "sum" in leaf:
            op = "gt" if "gt" in leaf else "gte"
            rows.append(
                {
                    "kind": "sum",
                    "source": leaf.get("source", ""),
                    "within_months": leaf.get("within_months"),
                    "op": op,
                    "limit": leaf.get(op),
                }
            )
        else:
            rows.append(
                {
                    "kind": "field",
                    "source": leaf.get("source", ""),
                    "values": "、".join(str(v) for v in leaf.get("in", [])),
                }
            )
    return match or "all", rows
