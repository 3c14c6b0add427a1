from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes, can_write_registry
from wangge.core.errors import ConflictError
from wangge.core.forms import add_service_errors
from wangge.core.views import show_error
from wangge.grids.forms import AssignForm, AutoSplitForm, GridForm, MergeForm, PersonForm
from wangge.grids.rosters import may_change_roster, roster
from wangge.grids.selectors import (
    _grid_chain,
    _grid_households,
    _grid_people,
    coverage,
    grid_for_user,
    grid_list,
    households_for_grid,
    layer_for_user,
    layers,
    person_for_user,
    person_list,
)
from wangge.grids.services import (
    grid_assign_households,
    grid_auto_split,
    grid_create,
    grid_merge,
    grid_update,
    person_create,
    person_update,
)
from wangge.regions.codes import village_of

GAP_KINDS = {
    "households": gettext_lazy("Households with no grid"),
    "unled": gettext_lazy("Grids with no responsible person"),
    "members": gettext_lazy("Members in no grid"),
    "large": gettext_lazy("Grids far above the target size"),
    "small": gettext_lazy("Grids far below the target size"),
}


def _can_write_any(user) -> bool:
    return any(can_write_registry(user, p) for p in area_prefixes(user))


def _require_write(user, area_code: str) -> None:
    if not can_write_registry(user, area_code):
        raise PermissionDenied(_("Your role may look at these grids but not change them."))


def layer_index(request):
    rows = []
    households_total = None  # the same households in scope for every layer: count them once
    for layer in layers(request.user):
        cov = coverage(request.user, layer)
        if households_total is None:
            households_total = cov.households_total
        rows.append(
            {
                "layer": layer,
                "label": layer.label(get_language()),
                "grids": grid_list(request.user, layer=layer).count(),
                "households_total": households_total,
                "households_without_grid": cov.households_without_grid.count(),
                "grids_without_responsible": cov.grids_without_responsible.count(),
            }
        )
    return render(request, "grids/layer_index.html", {"rows": rows})


def layer_detail(request, slug):
    layer = layer_for_user(request.user, slug)
    area_code = (request.GET.get("area_code") or "").strip()[:18]
    grids = grid_list(request.user, layer=layer, area_code=area_code)
    page = Paginator(grids, 50).get_page(request.GET.get("page"))
    cov = coverage(request.user, layer, area_code=area_code)
    gaps = [
        ("households", GAP_KINDS["households"], cov.households_without_grid.count()),
        ("unled", GAP_KINDS["unled"], cov.grids_without_responsible.count()),
        ("members", GAP_KINDS["members"], cov.members_without_grid.count()),
        ("large", GAP_KINDS["large"], cov.grids_too_large.count()),
        ("small", GAP_KINDS["small"], cov.grids_too_small.count()),
    ]
    return render(
        request,
        "grids/layer_detail.html",
        {
            "layer": layer,
            "label": layer.label(get_language()),
            "page": page,
            "gaps": gaps,
            "area_code": area_code,
            "can_write": _can_write_any(request.user),
            "split_form": AutoSplitForm(user=request.user) if not layer.has_levels else None,
        },
    )


def layer_gaps(request, slug, kind):
    layer = layer_for_user(request.user, slug)
    if kind not in GAP_KINDS:
        raise Http404
    cov = coverage(request.user, layer)
    source = {
        "households": cov.households_without_grid,
        "unled": cov.grids_without_responsible,
        "members": cov.members_without_grid,
        "large": cov.grids_too_large,
        "small": cov.grids_too_small,
    }[kind]
    page = Paginator(source, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grids/layer_gaps.html",
        {
            "layer": layer,
            "label": layer.label(get_language()),
            "kind": kind,
            "title": GAP_KINDS[kind],
            "page": page,
        },
    )


def grid_detail(request, pk):
    grid = grid_for_user(request.user, pk)
    households = Paginator(_grid_households(grid), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grids/grid_detail.html",
        {
            "grid": grid,
            "chain": _grid_chain(grid),
            "people": _grid_people(grid),
            "roster": roster(grid),
            "can_change_roster": may_change_roster(request.user, grid),
            "children": grid_list(request.user).filter(parent=grid),
            "households": households,
            "can_write": can_write_registry(request.user, grid.area_code),
        },
    )


def grid_new(request, slug):
    layer = layer_for_user(request.user, slug)
    if not _can_write_any(request.user):
        raise PermissionDenied(_("Your role may look at these grids but not change them."))
    form = GridForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        area = form.cleaned_data["area"]
        if area is not None:
            _require_write(request.user, area.code)
        try:
            grid = grid_create(
                actor=request.user,
                layer=layer,
                name=form.cleaned_data["name"],
                area=area,
                level=form.cleaned_data["level"],
                responsible=form.cleaned_data["responsible"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Grid created."))
            return redirect("grids:grid_detail", pk=grid.pk)
    return render(request, "grids/grid_form.html", {"form": form, "layer": layer})


def grid_edit(request, pk):
    grid = grid_for_user(request.user, pk)
    _require_write(request.user, grid.area_code)
    initial = {"name": grid.name, "responsible": grid.responsible, "version": grid.version}
    form = GridForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            grid_update(
                actor=request.user,
                grid=grid,
                expected_version=form.cleaned_data["version"] or 0,
                name=form.cleaned_data["name"],
                responsible=form.cleaned_data["responsible"],
                parent=grid.parent,
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Grid saved."))
            return redirect("grids:grid_detail", pk=grid.pk)
    return render(
        request, "grids/grid_form.html", {"form": form, "layer": grid.layer, "grid": grid}
    )


def grid_merge_view(request, pk):
    target = grid_for_user(request.user, pk)
    _require_write(request.user, target.area_code)
    candidates = (
        grid_list(
            request.user,
            layer=target.layer,
            area_code=village_of(target.area_code) or target.area_code,
        )
        .filter(level=target.level)
        .exclude(pk=target.pk)
    )
    if request.method == "POST":
        form = MergeForm(request.POST, candidates=candidates)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["sources"]))
        else:
            try:
                grid_merge(actor=request.user, target=target, sources=form.cleaned_data["sources"])
            except ValidationError as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("Grids merged."))
                return redirect("grids:grid_detail", pk=target.pk)
    return render(request, "grids/grid_merge.html", {"grid": target, "candidates": candidates})


def grid_assign(request, pk):
    grid = grid_for_user(request.user, pk)
    _require_write(request.user, grid.area_code)
    pool = households_for_grid(request.user, grid)
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        pool = pool.filter(head_name__contains=q)
    if request.method == "POST":
        form = AssignForm(request.POST, pool=pool)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["households"]))
        else:
            chosen = form.cleaned_data["households"]
            try:
                count = grid_assign_households(actor=request.user, grid=grid, households=chosen)
            except ValidationError as exc:
                show_error(request, exc)
            else:
                messages.success(
                    request, _("%(n)d households are now in this grid.") % {"n": count}
                )
                return redirect("grids:grid_detail", pk=grid.pk)
    page = Paginator(pool.order_by("area_code", "head_name", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "grids/grid_assign.html", {"grid": grid, "page": page, "q": q})


@require_POST
def auto_split(request, slug):
    layer = layer_for_user(request.user, slug)
    form = AutoSplitForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a hamlet and a size between 3 and 500 households."))
        return redirect("grids:layer_detail", slug=slug)
    hamlet = form.cleaned_data["hamlet"]
    _require_write(request.user, hamlet.code)
    try:
        grids = grid_auto_split(
            actor=request.user,
            layer=layer,
            hamlet=hamlet,
            target_size=form.cleaned_data["target_size"],
        )
    except ValidationError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _("%(hamlet)s is now divided into %(n)d grids.")
            % {"hamlet": hamlet.name, "n": len(grids)},
        )
    return redirect(f"{reverse('grids:layer_detail', args=[slug])}?area_code={hamlet.code}")


def person_index(request):
    people = Paginator(person_list(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "grids/person_list.html",
        {"page": people, "can_write": _can_write_any(request.user)},
    )


def _person_save(request, person=None):
    if not _can_write_any(request.user):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    initial = {}
    if person is not None:
        _require_write(request.user, person.area_code)
        initial = {
            "name": person.name,
            "area": person.area,
            "member": person.member_id,
            "household": person.household_id,
            "version": person.version,
        }
    form = PersonForm(request.POST or None, user=request.user, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or 0
        clear_phone = data.pop("clear_phone", False)
        if person is not None and not data["phone"] and not clear_phone:
            data["phone"] = person.phone
        try:
            if person is None:
                person_create(actor=request.user, **data)
            else:
                person_update(actor=request.user, person=person, expected_version=version, **data)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Person saved."))
            return redirect("grids:person_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "grids/person_form.html", {"form": form, "person": person}, status=status
    )


def person_new(request):
    return _person_save(request)


def person_edit(request, pk):
    return _person_save(request, person_for_user(request.user, pk))
