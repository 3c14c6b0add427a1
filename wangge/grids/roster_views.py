"""Pages that change a grid's roster: add a member or a person with a duty, take one off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.errors import DomainError
from wangge.core.forms import add_service_errors, cleaned_or_raise
from wangge.core.views import show_error
from wangge.grids.forms import RosterForm, RosterRemoveForm
from wangge.grids.rosters import (
    DUTIES,
    home_prefix,
    may_change_roster,
    roster_add,
    roster_remove,
)
from wangge.grids.selectors import grid_for_user


def _grid_for_write(user, pk: int):
    grid = grid_for_user(user, pk)
    if not may_change_roster(user, grid):
        raise PermissionDenied(
            _(
                "Only the township office, or the village secretary for their own village, may "
                "change this grid's roster."
            )
        )
    return grid


def roster_add_view(request, pk):
    grid = _grid_for_write(request.user, pk)
    form = RosterForm(
        request.POST or None, user=request.user, grid=grid, prefix_code=home_prefix(grid)
    )
    if request.method == "POST" and form.is_valid():
        try:
            roster_add(
                actor=request.user,
                grid=grid,
                member=form.cleaned_data["member"],
                person=form.cleaned_data["person"],
                duty=form.cleaned_data["duty"],
                township_leader=form.cleaned_data.get("township_leader", False),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Added to the grid's roster."))
            return redirect("grids:grid_detail", pk=grid.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "grids/roster_form.html",
        {"grid": grid, "form": form, "duties": DUTIES.get(grid.level, DUTIES[None])},
        status=status,
    )


@require_POST
def roster_remove_view(request, pk):
    grid = _grid_for_write(request.user, pk)
    form = RosterRemoveForm(request.POST)
    try:
        data = cleaned_or_raise(form)
        roster_remove(
            actor=request.user,
            grid=grid,
            member_id=data["id"] if data["kind"] == "member" else None,
            person_id=data["id"] if data["kind"] == "person" else None,
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Taken off the grid's roster."))
    return redirect("grids:grid_detail", pk=grid.pk)
