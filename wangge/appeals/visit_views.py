"""A visit's needs become a request with one tap (S6 → S7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.appeals.forms import FromVisitForm, error_text, form_message
from wangge.appeals.selectors import category_for_township
from wangge.appeals.services import appeal_from_visit
from wangge.appeals.views.intake import yours_to_handle
from wangge.core.errors import DomainError
from wangge.visits.selectors import visit_for_user


@require_POST
def request_from_visit_view(request, visit_pk: int):
    visit = visit_for_user(request.user, visit_pk)
    form = FromVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_message(form))
        return redirect("visits:visit_detail", pk=visit.pk)
    category = None
    if form.cleaned_data["category"]:
        category = category_for_township(visit.township_code, form.cleaned_data["category"])
    try:
        created = appeal_from_visit(actor=request.user, visit=visit, category=category)
    except (DomainError, ValidationError) as exc:
        messages.error(request, error_text(exc))
        return redirect("visits:visit_detail", pk=visit.pk)
    if yours_to_handle(created, request.user):
        text = _(
            "The needs are now request %(ticket)s. You lead this household's grid, so it is "
            "yours to handle."
        ) % {"ticket": created.ticket}
    else:
        text = _("The needs are now request %(ticket)s; it went to %(who)s.") % {
            "ticket": created.ticket,
            "who": created.assignee_member.name if created.assignee_member else _("the village"),
        }
    messages.success(request, text)
    return redirect("appeals:detail", pk=created.pk)
