from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.assistance.models import PlanStep
from wangge.assistance.selectors import plan_list
from wangge.households.timeline import Entry, timeline_provider


@timeline_provider
def plan_entries(user, household):
    plans = plan_list(user).filter(household=household)
    for plan in plans:
        url = reverse("assistance:plan_detail", args=[plan.pk])
        yield Entry(plan.created_at, "step", _("Assistance plan opened"), plan.needs, url)
    steps = PlanStep.objects.filter(plan__in=plans.values("pk")).order_by("pk")
    for step in steps:
        url = reverse("assistance:plan_detail", args=[step.plan_id])
        title = _("Plan step “%(title)s”: %(status)s") % {
            "title": step.title,
            "status": step.get_status_display(),
        }
        detail = _("due %(date)s") % {"date": step.due_date} if step.due_date else ""
        yield Entry(step.done_at or step.created_at, "step", title, detail, url)
