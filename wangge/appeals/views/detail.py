"""An appeal's page: its facts and timeline, the actions the state machine offers the user,
and its photo."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wangge.appeals.forms import ActForm, error_text, form_message
from wangge.appeals.models import Rating
from wangge.appeals.selectors import is_overdue, request_for_user, request_timeline
from wangge.appeals.services import ACTIONS, actions_for, appeal_act
from wangge.core.errors import DomainError


def request_detail(request, pk: int):
    appeal = request_for_user(request.user, pk)
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "events": request_timeline(appeal),
            "actions": actions_for(request.user, appeal),
            "ratings": Rating.choices,
            "overdue": is_overdue(appeal),
        },
    )


@require_POST
def request_act(request, pk: int):
    appeal = request_for_user(request.user, pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_message(form))
        return redirect("appeals:detail", pk=appeal.pk)
    action = form.cleaned_data["action"]
    try:
        appeal_act(
            actor=request.user,
            appeal=appeal,
            action=action,
            note=form.cleaned_data["note"],
            rating=form.cleaned_data["rating"],
        )
    except PermissionDenied:
        raise
    except (ValidationError, DomainError) as exc:
        messages.error(request, error_text(exc))
        return redirect("appeals:detail", pk=appeal.pk)
    messages.success(request, ACTIONS[action].done)
    return redirect("appeals:detail", pk=appeal.pk)


def request_photo(request, pk: int):
    appeal = request_for_user(request.user, pk)
    if not appeal.photo:
        raise Http404
    response = FileResponse(appeal.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    return response
