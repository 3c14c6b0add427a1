from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.assistance.forms import (
    NewPlanForm,
    PlanForm,
    StepForm,
    StepStatusForm,
)
from wangge.assistance.models import Measure, Outcome, PlanSource, PlanStatus, StepStatus
from wangge.assistance.selectors import (
    member_label,
    members_for_plan,
    members_of_village,
    plan_for_user,
    plan_list,
    step_for_user,
    steps_due,
)
from wangge.assistance.services import (
    plan_create,
    plan_opened_on,
    plan_update,
    require_plan_write,
    step_add,
    step_due_far_past,
    step_set_status,
)
from wangge.core.errors import DomainError
from wangge.core.views import show_error, show_form_errors
from wangge.households.selectors import household_for_user


def _param(request, name: str, choices) -> str:
    value = request.GET.get(name, "")
    return value if value in dict(choices) else ""


def plan_index(request):
    status = _param(request, "status", PlanStatus.choices)
    outcome = _param(request, "outcome", Outcome.choices)
    plans = plan_list(request.user, status=status, outcome=outcome)
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/plan_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PlanStatus.choices,
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "export_query": request.GET.urlencode(),
        },
    )


def my_steps(request):
    """Steps due in the next two weeks or overdue: the member's own, the secretary's village."""
    page = Paginator(steps_due(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "assistance/steps_due.html", {"page": page, "today": timezone.localdate()}
    )


def _choices(request, members, keep=None) -> list[tuple[int, str]]:
    """The members to choose from, narrowed by the page's name search (``member_q``); the one
    already chosen stays in the list."""
    query = (request.GET.get("member_q") or "").strip()[:20]
    if query:
        found = Q(name__contains=query) | Q(pk=keep) if keep else Q(name__contains=query)
        members = members.filter(found)
    return [(m.pk, member_label(m)) for m in members]


def _plan_page(request, plan, *, status: int = 200):
    steps = list(plan.steps.select_related("owner"))
    return render(
        request,
        "assistance/plan_detail.html",
        {
            "plan": plan,
            "steps": steps,
            "opened_on": plan_opened_on(plan),
            "measures": Measure.choices,
            "statuses": PlanStatus.choices,
            "outcomes": Outcome.choices,
            "step_statuses": StepStatus.choices,
            "members": _choices(
                request, members_for_plan(request.user, plan), keep=plan.responsible_id
            ),
            "member_q": (request.GET.get("member_q") or "")[:20],
        },
        status=status,
    )


def plan_new(request, household_pk: int):
    """Open a plan for one need of a household (from its page, a visit or a request)."""
    household = household_for_user(request.user, household_pk)
    require_plan_write(request.user, household.area_code)
    members = members_of_village(request.user, household.area_code)
    if request.method == "POST":
        form = NewPlanForm(request.POST, members=members)
    else:
        source = request.GET.get("source", PlanSource.HOUSEHOLD)
        form = NewPlanForm(
            initial={
                "needs": request.GET.get("needs", "")[:2000],
                "source": source if source in PlanSource.values else PlanSource.HOUSEHOLD,
                "source_ref": request.GET.get("ref", "")[:10],
            },
            members=members,
        )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = plan_create(
                    actor=request.user,
                    household=household,
                    needs=data["needs"],
                    measures=data["measures"],
                    responsible=data["responsible"],
                    source=data["source"],
                    source_ref=data["source_ref"],
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(request, _("Plan opened; add its steps below."))
                return redirect("assistance:plan_detail", pk=plan.pk)
        else:
            show_form_errors(request, form)
            status = 400
    return render(
        request,
        "assistance/plan_new.html",
        {
            "household": household,
            "form": form,
            "measures": Measure.choices,
            "members": _choices(request, members),
            "member_q": (request.GET.get("member_q") or "")[:20],
            "sources": [c for c in PlanSource.choices if c[0] != PlanSource.FLAG],
        },
        status=status,
    )


def plan_detail(request, pk: int):
    plan = plan_for_user(request.user, pk)
    if request.method != "POST":
        return _plan_page(request, plan)
    form = PlanForm(request.POST, members=members_for_plan(request.user, plan))
    if not form.is_valid():
        show_form_errors(request, form)
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
            outcome_kind=data["outcome_kind"],
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
        return _plan_page(request, plan)
    messages.success(request, _("Plan saved."))
    return redirect("assistance:plan_detail", pk=plan.pk)


@require_POST
def plan_step_add(request, pk: int):
    plan = plan_for_user(request.user, pk)
    form = StepForm(request.POST, members=members_for_plan(request.user, plan))
    if not form.is_valid():
        show_form_errors(request, form)
        return _plan_page(request, plan, status=400)
    try:
        step = step_add(
            actor=request.user,
            plan=plan,
            title=form.cleaned_data["title"],
            measure=form.cleaned_data["measure"],
            due_date=form.cleaned_data["due_date"],
            owner=form.cleaned_data["owner"],
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
        return _plan_page(request, plan, status=400)
    messages.success(request, _("Step added."))
    if step_due_far_past(step):
        messages.warning(
            request,
            _(
                "The step's due date %(d)s is long past. If that is a typing mistake, "
                "correct it; past work can be recorded and marked done."
            )
            % {"d": step.due_date.isoformat()},
        )
    return redirect("assistance:plan_detail", pk=plan.pk)


@require_POST
def step_status(request, pk: int):
    step = step_for_user(request.user, pk)
    form = StepStatusForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return _plan_page(request, step.plan, status=400)
    try:
        step_set_status(
            actor=request.user,
            step=step,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    return redirect("assistance:plan_detail", pk=step.plan_id)
