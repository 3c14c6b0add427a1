from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.assistance.forms import PlanForm, StepForm, StepStatusForm, error_text
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


def _plan_page(request, plan, *, status: int = 200):
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
        status=status,
    )


def plan_detail(request, pk: int):
    plan = plan_for_user(request.user, pk)
    if request.method != "POST":
        return _plan_page(request, plan)
    form = PlanForm(request.POST, members=members_for_plan(request.user, plan))
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _plan_page(request, plan, status=400)
    data = form.cleaned_data
    try:
        plan_update(
            actor=request.user,
            plan=plan,
            expected_version=data["version"],
            needs=data["needs"],
            measures=data["measures"],
            responsible=data["responsible"],
            status=data["status"],
            outcome=data["outcome"],
        )
    except (ValidationError, DomainError) as exc:
        _messages(request, exc)
        return _plan_page(request, plan)
    messages.success(request, _("Plan saved."))
    return redirect("assistance:plan_detail", pk=plan.pk)


@require_POST
def plan_step_add(request, pk: int):
    plan = plan_for_user(request.user, pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _plan_page(request, plan, status=400)
    try:
        step_add(
            actor=request.user,
            plan=plan,
            title=form.cleaned_data["title"],
            measure=form.cleaned_data["measure"],
            due_date=form.cleaned_data["due_date"],
        )
        messages.success(request, _("Step added."))
    except (ValidationError, DomainError) as exc:
        _messages(request, exc)
    return redirect("assistance:plan_detail", pk=plan.pk)


@require_POST
def step_status(request, pk: int):
    step = step_for_user(request.user, pk)
    form = StepStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _plan_page(request, step.plan, status=400)
    try:
        step_set_status(
            actor=request.user,
            step=step,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, DomainError) as exc:
        _messages(request, exc)
    return redirect("assistance:plan_detail", pk=step.plan_id)
