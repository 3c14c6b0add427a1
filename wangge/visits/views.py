"""Field pages for members on phones (home, my households, log a visit) and cadres' pages
(visit list, roll-ups, policies)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.accounts.scope import has_role
from wangge.core.errors import DomainError
from wangge.core.forms import add_service_errors
from wangge.core.periods import PeriodError
from wangge.core.reveal import contact_purpose, reveal
from wangge.core.views import show_error, show_form_errors
from wangge.imports.exporting import can_export
from wangge.visits.forms import HouseholdChoiceForm, PolicyForm, VisitForm
from wangge.visits.hooks import bound_extensions, home_cards, need_categories
from wangge.visits.models import VisitPolicy
from wangge.visits.selectors import (
    VisitFilters,
    can_edit_policies,
    filtered_visits,
    household_for_visit,
    household_paired_with_user,
    is_cadre,
    my_due,
    my_households,
    overdue_rollup,
    policy_table,
    policy_township,
    visit_for_user,
    visit_list,
)
from wangge.visits.services import policy_remove, policy_set, visit_log


def home(request):
    """The member's tasks for today: overdue and due visits, each one tap from its form."""
    today = timezone.localdate()
    rows = my_due(request.user, today)
    recent = visit_list(request.user).filter(created_by=request.user)[:5]
    return render(
        request,
        "visits/home.html",
        {
            "rows": rows,
            "overdue": sum(1 for r in rows if r.status == "overdue"),
            "recent": recent,
            "has_member": request.user.member_id is not None,
            "cadre": is_cadre(request.user),
            "today": today,
            "cards": home_cards(request.user, today),
        },
    )


def mine(request):
    today = timezone.localdate()
    return render(
        request,
        "visits/mine.html",
        {"rows": my_households(request.user, today), "today": today},
    )


def log(request, household_id: int | None = None):
    """Log a visit. With a household in the URL it is prefilled; otherwise choose one of yours."""
    today = timezone.localdate()
    if household_id is None and request.method == "POST":
        # Chosen in the form: anything but an id leaves the choice to the form's own error.
        chosen = HouseholdChoiceForm(request.POST)
        if chosen.is_valid():
            household_id = chosen.cleaned_data["household"]
    if household_id is not None:
        household = household_for_visit(request.user, household_id)
        households = [household]
    else:
        household = None
        households = [row.household for row in my_households(request.user, today)]
    extensions = bound_extensions(household, today) if household else []
    form_kwargs = {
        "households": households,
        "extensions": extensions,
        "fixed": household is not None,
    }
    if household is not None:
        form_kwargs["initial"] = {"household": household.pk}
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit, created = visit_log(
                    actor=request.user,
                    household=household,
                    visited_on=data["visited_on"],
                    kind=data["kind"],
                    found=data["found"],
                    needs=data["needs"],
                    photo=data.get("photo"),
                    extra=form.extra_data(),
                    client_key=data["client_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("Visit saved."))
                else:
                    messages.info(request, _("This visit was already saved; here it is."))
                return redirect("visits:visit_detail", pk=visit.pk)
    else:
        form = VisitForm(**form_kwargs)
    return render(
        request,
        "visits/log.html",
        {
            "form": form,
            "household": household,
            "notes": [note for ext, bound in extensions for note in ext.page_notes(bound)],
            "no_households": not households,
        },
    )


def visit_detail(request, pk: int):
    visit = visit_for_user(request.user, pk)
    opinion = getattr(visit, "opinion", None) if visit.campaign_id else None
    categories = []
    if visit.needs and not visit.need_request_id:
        categories = need_categories(visit)
    return render(
        request,
        "visits/visit_detail.html",
        {"visit": visit, "opinion": opinion, "categories": categories},
    )


def visit_photo(request, pk: int):
    """The visit's photo, only for users who may read the visit; never a public media URL."""
    visit = visit_for_user(request.user, pk)
    if not visit.photo or not default_storage.exists(visit.photo):
        raise Http404
    response = FileResponse(default_storage.open(visit.photo, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    response["Content-Disposition"] = "inline"
    return response


def visit_index(request):
    try:
        filters = VisitFilters.from_params(request.GET)
    except PeriodError:
        filters = VisitFilters.from_params({**request.GET.dict(), "period": ""})
    page = Paginator(filtered_visits(request.user, filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/visit_list.html",
        {
            "page": page,
            "can_export": can_export(request.user),
            "export_query": urlencode({k: v for k, v in vars(filters).items() if v}),
        },
    )


def overview(request):
    """Overdue visits and on-time rates for the cadre's area, its villages and grids."""
    if not is_cadre(request.user):
        raise PermissionDenied(
            _("The visit overview is for cadres; your own visits are on the home page.")
        )
    area = request.GET.get("area", "").strip()
    if area and not area.isdigit():
        raise Http404
    rollup = overdue_rollup(request.user, timezone.localdate(), area_code=area)
    return render(request, "visits/overview.html", {"rollup": rollup, "area": area})


def policies(request):
    township = policy_township(request.user, request.GET.get("township", ""))
    return _policies_page(request, township)


def _policies_page(request, township: str, *, status: int = 200):
    default, rows = policy_table(request.user, township)
    return render(
        request,
        "visits/policies.html",
        {
            "township": township,
            "default": default,
            "rows": rows,
            "can_edit": can_edit_policies(request.user, township),
        },
        status=status,
    )


@require_POST
def policy_save(request):
    form = PolicyForm(request.POST)
    valid = form.is_valid()
    township = policy_township(request.user, form.cleaned_data.get("township", ""))
    if not has_role(request.user, Role.TOWNSHIP_ADMIN):
        raise PermissionDenied(
            _("Only the township's organisation office may change visit policies.")
        )
    if not valid:
        show_form_errors(request, form)
        return _policies_page(request, township, status=400)
    data = form.cleaned_data
    tag = data["tag"]
    try:
        if data["interval_days"] is None:
            policy = VisitPolicy.objects.filter(township_code=township, tag=tag).first()
            if policy is not None:
                policy_remove(actor=request.user, policy=policy)
            messages.success(request, _("The tag now uses the default interval."))
        else:
            policy_set(
                actor=request.user,
                township_code=township,
                tag=tag,
                interval_days=data["interval_days"],
                expected_version=data["version"],
            )
            messages.success(request, _("Visit policy saved; due dates follow at once."))
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    return redirect(f"{reverse('visits:policies')}?township={township}")


@never_cache
@require_POST
def call(request, household_id: int):
    """The paired member's tap to call: the household's full phone as a tel: link, revealed
    and recorded with the township's purpose "联系农户"."""
    household = household_paired_with_user(request.user, household_id)
    purpose = contact_purpose(household.area_code)
    full = reveal(actor=request.user, obj=household, fields=["phone"], purpose=purpose)
    context = {"household": household, "phone": full["phone"], "purpose": purpose.name}
    if request.htmx:
        return render(request, "visits/_call.html", context)
    return render(request, "visits/call.html", context)
