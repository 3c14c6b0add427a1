import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.assistance.models import Measure, PlanStatus, StepStatus
from wangge.assistance.selectors import members_for_plan, plan_for_user, plan_list, step_for_user
from wangge.assistance.services import plan_update, step_add, step_set_status
from wangge.core.errors import DomainError


def _messages(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, exc.message)


def plan_index(request):
    status = request.GET.get("status", "")
    page = Paginator(plan_list(request.user, status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/plan_list.html",
        {"page": page, "status": status, "statuses": PlanStatus.choices},
    )


def plan_detail(request, pk: int):
    plan = plan_for_user(request.user, pk)
    if request.method == "POST":
        responsible = None
        if request.POST.get("responsible"):
            responsible = (
                members_for_plan(request.user, plan).filter(pk=request.POST["responsible"]).first()
            )
        try:
            plan_update(
                actor=request.user,
                plan=plan,
                expected_version=int(request.POST.get("version") or 0),
                needs=request.POST.get("needs", ""),
                measures=request.POST.getlist("measures"),
                responsible=responsible,
                status=request.POST.get("status", PlanStatus.OPEN),
                outcome=request.POST.get("outcome", ""),
            )
            messages.success(request, _("Plan saved."))
            return redirect("assistance:plan_detail", pk=plan.pk)
        except (ValidationError, DomainError) as exc:
            _messages(request, exc)
    return render(
        request,
        "assistance/plan_detail.html",
        {
            "plan": plan,
            "steps": plan.steps.all(),
            "measures": Measure.choices,
            "statuses": PlanStatus.choices,
            "step_statuses": StepStatus.choices,
            "members": members_for_plan(request.user, plan),
        },
    )


@require_POST
def plan_step_add(request, pk: int):
    plan = plan_for_user(request.user, pk)
    due = None
    try:
        if request.POST.get("due_date"):
            due = datetime.date.fromisoformat(request.POST["due_date"])
    except ValueError:
        messages.error(request, _("Enter the due date as YYYY-MM-DD."))
        return redirect("assistance:plan_detail", pk=plan.pk)
    try:
        step_add(
            actor=request.user,
            plan=plan,
            title=request.POST.get("title", ""),
            measure=request.POST.get("measure", ""),
            due_date=due,
        )
        messages.success(request, _("Step added."))
    except (ValidationError, DomainError) as exc:
        _messages(request, exc)
    return redirect("assistance:plan_detail", pk=plan.pk)


@require_POST
def step_status(request, pk: int):
    step = step_for_user(request.user, pk)
    try:
        step_set_status(
            actor=request.user,
            step=step,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    except (ValidationError, DomainError) as exc:
        _messages(request, exc)
    return redirect("assistance:plan_detail", pk=step.plan_id)
