"""The township office's list of purposes for revealing full numbers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.forms import PurposeActiveForm, PurposeForm, add_service_errors
from wangge.core.reveal import (
    purpose_add,
    purpose_set_active,
    purpose_townships,
    purposes_for_area,
)
from wangge.core.views import show_error


def _township(user) -> str:
    townships = purpose_townships(user)
    if not townships:
        raise PermissionDenied(_("This page is for the township's organisation office."))
    return townships[0]


def purpose_index(request):
    township = _township(request.user)
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            purpose_add(actor=request.user, township_code=township, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Purpose added."))
            return redirect("reveal_purposes")
    purposes = purposes_for_area(township, active_only=False)
    return render(request, "core/reveal_purposes.html", {"form": form, "purposes": purposes})


@require_POST
def purpose_active(request, pk: int):
    township = _township(request.user)
    purpose = purposes_for_area(township, active_only=False).filter(pk=pk).first()
    if purpose is None:
        raise Http404
    form = PurposeActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to put the purpose in use or out of use."))
        return redirect("reveal_purposes")
    try:
        purpose_set_active(actor=request.user, purpose=purpose, active=form.cleaned_data["active"])
    except ValidationError as exc:
        show_error(request, exc)
    return redirect("reveal_purposes")
