"""Pages of concentrated-assistance drives: the list, creating one, figures per village with
the tasks behind them, a member's own tasks and marking one done."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes, can_write_registry, prefix_q
from wangge.campaigns.drive import (
    drive_create,
    drive_figures,
    drive_for_user,
    drive_list,
    my_tasks,
    task_done,
    task_for_user,
    task_list,
)
from wangge.campaigns.forms import TaskDoneForm
from wangge.core.errors import DomainError
from wangge.core.forms import add_service_errors, cleaned_or_raise, writable
from wangge.core.views import show_error
from wangge.imports.exporting import can_export
from wangge.regions.models import Level, Region


class DriveForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=100)
    area = forms.CharField(label=gettext_lazy("Area"), widget=forms.Select)
    starts_on = forms.DateField(
        label=gettext_lazy("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the day as YYYY-MM-DD.")},
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the day as YYYY-MM-DD.")},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [(a.code, a.name) for a in areas]


def _writer(user) -> bool:
    return any(can_write_registry(user, p) for p in area_prefixes(user))


def drive_index(request):
    return render(
        request,
        "campaigns/drive/list.html",
        {"drives": drive_list(request.user), "can_create": _writer(request.user)},
    )


def drive_new(request):
    if not _writer(request.user):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    areas = writable(
        Region.objects.filter(level__in=[Level.TOWNSHIP, Level.VILLAGE]), request.user, field="code"
    ).order_by("code")
    form = DriveForm(request.POST or None, areas=areas)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            area = areas.filter(code=form.cleaned_data["area"]).first()
            if area is None:
                raise Http404
            try:
                drive = drive_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    area=area,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Drive created with a task for each household."))
                return redirect("campaigns:drive_detail", pk=drive.pk)
    return render(request, "campaigns/drive/form.html", {"form": form}, status=status)


def drive_detail(request, pk):
    drive = drive_for_user(request.user, pk)
    village = (request.GET.get("village") or "").strip()[:12]
    tasks = task_list(request.user, campaign=drive)
    if village:
        tasks = tasks.filter(prefix_q("area_code", village))
    which = request.GET.get("which") or ""
    if which == "open":
        tasks = tasks.filter(done_at__isnull=True)
    elif which == "done":
        tasks = tasks.filter(done_at__isnull=False)
    elif which == "unassigned":
        tasks = tasks.filter(member__isnull=True)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/drive/detail.html",
        {
            "drive": drive,
            "figures": drive_figures(request.user, drive),
            "page": page,
            "village": village,
            "which": which,
            "can_export": can_export(request.user),
        },
    )


def my_drive_tasks(request):
    if not getattr(request.user, "member_id", None):
        raise Http404
    page = Paginator(my_tasks(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/drive/mine.html", {"page": page})


@require_POST
def drive_task_done(request, pk):
    task = task_for_user(request.user, pk)
    form = TaskDoneForm(request.POST)
    try:
        task_done(actor=request.user, task=task, note=cleaned_or_raise(form)["note"])
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Marked done. Thank you."))
    if form.cleaned_data.get("back") == "drive":
        return redirect("campaigns:drive_detail", pk=task.campaign_id)
    return redirect("campaigns:drive_mine")
