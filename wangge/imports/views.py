"""Pages for importing and exporting the member and household registries."""

import io

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.core.forms import RevealForm
from wangge.core.periods import PeriodError
from wangge.imports.exporting import can_export, can_export_full, export_workbook, template_workbook
from wangge.imports.kinds import KINDS
from wangge.imports.models import ImportJob
from wangge.imports.pipeline import writer_prefixes
from wangge.imports.services import DiskFull, import_job_create, import_job_retry_partial

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx, .xls, .ods or .csv)"))
    partial = forms.BooleanField(
        label=gettext_lazy("Import only the good rows (skip rows with errors)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.WANGGE_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB. Split it into smaller files.")
                % {"max": round(limit / 1048576, 1)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty. Choose the filled-in template."))
        return upload


def _kind_or_404(kind: str, *, importable: bool = True):
    """The kind named in the URL; an export-only kind has no upload, template or full export."""
    found = KINDS.get(kind)
    if found is None or (importable and not found.importable):
        raise Http404
    return found


def _require_writer(user) -> None:
    if not writer_prefixes(user):
        raise PermissionDenied(_("Only registry editors may import."))


def upload(request, kind: str):
    import_kind = _kind_or_404(kind)
    _require_writer(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = import_job_create(
                    user=request.user,
                    kind=kind,
                    upload=form.cleaned_data["file"],
                    partial=form.cleaned_data["partial"],
                )
            except DiskFull as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("imports:job", job_id=job.pk)
    else:
        form = UploadForm()
    recent = ImportJob.objects.filter(user=request.user, kind=kind)[:5]
    return render(
        request,
        "imports/upload.html",
        {"form": form, "kind": kind, "kind_label": import_kind.label, "recent": recent},
    )


def _job_for_user(user, job_id: int) -> ImportJob:
    # Another user's job is a 404, like a job that does not exist.
    return get_object_or_404(ImportJob, pk=job_id, user=user)


def job(request, job_id: int):
    found = _job_for_user(request.user, job_id)
    context = {"job": found, "kind_label": _kind_or_404(found.kind).label}
    if request.htmx:
        return render(request, "imports/_job_status.html", context)
    return render(request, "imports/job.html", context)


@require_POST
def job_partial(request, job_id: int):
    found = _job_for_user(request.user, job_id)
    _require_writer(request.user)
    if found.committed or found.running or not found.good_rows or found.message:
        return redirect("imports:job", job_id=found.pk)
    again = import_job_retry_partial(job=found)
    return redirect("imports:job", job_id=again.pk)


def template(request, kind: str):
    import_kind = _kind_or_404(kind)
    buffer = io.BytesIO()
    template_workbook(import_kind, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


def export(request, kind: str):
    import_kind = _kind_or_404(kind, importable=False)
    if not can_export(request.user):
        raise PermissionDenied(_("Only office roles may export lists."))
    buffer = io.BytesIO()
    try:
        export_workbook(import_kind, buffer, user=request.user, params=request.GET)
    except PeriodError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    return _download(buffer, f"{kind}-{timezone.localdate():%Y%m%d}.xlsx")


@never_cache
def export_full(request, kind: str):
    """The list with full ID numbers and phones, for editing them: asks why, records it."""
    import_kind = _kind_or_404(kind)
    if not can_export_full(request.user):
        raise PermissionDenied(_("Only registry editors may export full numbers."))
    form = RevealForm(request.POST or None, area_code=writer_prefixes(request.user)[0])
    if request.method == "POST" and form.is_valid():
        buffer = io.BytesIO()
        export_workbook(
            import_kind,
            buffer,
            user=request.user,
            params=request.GET,
            unmasked=True,
            purpose=form.cleaned_data["purpose"].name,
            reason=form.cleaned_data["reason"],
        )
        return _download(buffer, f"{kind}-full-{timezone.localdate():%Y%m%d}.xlsx")
    context = {"form": form, "kind": kind, "kind_label": import_kind.label}
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/export_full.html", context, status=status)


def _download(buffer: io.BytesIO, filename: str) -> HttpResponse:
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
