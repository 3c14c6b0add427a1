from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.periods import PeriodError, parse_past_period
from wangge.reports.models import ReportFormat, ReportKind
from wangge.reports.selectors import check_period


class BulletinForm(forms.Form):
    """The chooser: which report, which area (checked against the user's scope by the view: 404
    outside it) and which period (one the report covers, that has begun)."""

    kind = forms.ChoiceField(
        label=_("Report"), choices=ReportKind.choices, initial=ReportKind.BULLETIN, required=False
    )
    area = forms.CharField(label=_("Township or village"), max_length=18)
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        help_text=_(
            "Bulletin: a quarter (2021-Q4) or month (2021-10); half-year evaluation: a half-year "
            "(2021-H2); annual report: a year (2021)."
        ),
    )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or ReportKind.BULLETIN

    def clean(self):
        data = super().clean()
        raw = data.get("period")
        if raw is None:
            return data
        try:
            data["period"] = check_period(
                data.get("kind") or ReportKind.BULLETIN, parse_past_period(raw)
            )
        except PeriodError as exc:
            self.add_error("period", str(exc))
        return data


FILE_FORMATS = (ReportFormat.PDF, ReportFormat.DOCX, ReportFormat.HTML)


class GenerateForm(BulletinForm):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (f.value, f.label) for f in (ReportFormat.PDF, ReportFormat.DOCX, ReportFormat.HTML)
        ],
    )
