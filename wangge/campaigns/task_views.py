"""The phone's "my tasks" (我的任务): a member's open campaign tasks (their own and their grid's),
marked done in one tap with an optional note; a secretary also sees the village's open tasks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes
from wangge.campaigns.engine import task_done
from wangge.campaigns.forms import TaskDoneForm
from wangge.campaigns.services import CAMPAIGN_STAFF
from wangge.campaigns.tasks import area_open_tasks, campaign_task_for_user, my_open_tasks
from wangge.core.errors import DomainError
from wangge.core.forms import cleaned_or_raise
from wangge.core.views import show_error


def task_index(request):
    user = request.user
    today = timezone.localdate()
    is_staff = bool(area_prefixes(user, CAMPAIGN_STAFF))
    if not getattr(user, "member_id", None) and not is_staff:
        raise PermissionDenied(_("Only members and campaign staff have campaign tasks."))
    mine = list(my_open_tasks(user, today)[:100])
    page = Paginator(area_open_tasks(user, today), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/tasks/index.html",
        {"mine": mine, "page": page, "today": today, "is_staff": is_staff},
    )


@require_POST
def task_mark_done(request, pk: int):
    task = campaign_task_for_user(request.user, pk)
    form = TaskDoneForm(request.POST)
    try:
        task_done(actor=request.user, task=task, note=cleaned_or_raise(form)["note"])
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Marked done. Thank you."))
    return redirect("campaigns:task_list")
