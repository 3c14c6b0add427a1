"""Pages that change a grid's roster: add a member or a person with a duty, take one off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core.forms import add_service_errors
from wangge.grids.forms import RosterForm
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
    kind = request.POST.get("kind")
    raw = request.POST.get("id") or ""
    who = int(raw) if raw.isdigit() and len(raw) < 12 else None
    try:
        roster_remove(
            actor=request.user,
            grid=grid,
            member_id=who if kind == "member" else None,
            person_id=who if kind == "person" else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Taken off the grid's roster."))
    return redirect("grids:grid_detail", pk=grid.pk)
