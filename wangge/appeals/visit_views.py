"""A visit's needs become a request with one tap (S6 → S7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.appeals.selectors import category_for_township
from wangge.appeals.services import appeal_from_visit
from wangge.core.errors import DomainError
from wangge.visits.selectors import visit_for_user


@require_POST
def request_from_visit_view(request, visit_pk: int):
    visit = visit_for_user(request.user, visit_pk)
    category = None
    if request.POST.get("category"):
        category = category_for_township(visit.township_code, request.POST["category"])
    try:
        created = appeal_from_visit(actor=request.user, visit=visit, category=category)
    except (DomainError, ValidationError) as exc:
        text = exc.message if isinstance(exc, DomainError) else " ".join(exc.messages)
        messages.error(request, text)
        return redirect("visits:visit_detail", pk=visit.pk)
    messages.success(
        request,
        _("The needs are now request %(ticket)s; it went to %(who)s.")
        % {
            "ticket": created.ticket,
            "who": created.assignee_member.name if created.assignee_member else _("the village"),
        },
    )
    return redirect("appeals:detail", pk=created.pk)
