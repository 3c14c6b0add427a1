"""Campaign pages: the list, a campaign's counts, its opinions to categorise, and categories."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas, may_export, townships_of, visible
from wangge.campaigns.forms import CampaignForm, CategoryForm, OpinionCategoryForm
from wangge.campaigns.models import DUTY_KINDS, CampaignKind
from wangge.campaigns.pickers import person_choices, search_text
from wangge.campaigns.selectors import (
    _categories_for,
    campaign_for_user,
    campaign_list,
    duty_log_list,
    opinion_counts,
    opinion_for_user,
    opinion_list,
    pledge_counts,
    roster_of,
)
from wangge.campaigns.services import (
    CAMPAIGN_STAFF,
    campaign_create,
    category_create,
    category_rename,
    opinion_categorise,
)
from wangge.core.errors import DomainError
from wangge.core.views import redirect_back, show_error, show_form_errors
from wangge.grids.models import Person
from wangge.regions.models import Level, Region


def _admin_townships(user) -> list[str]:
    return townships_of(user, {Role.TOWNSHIP_ADMIN})


def campaign_index(request):
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaign_list(request.user),
            "can_create": bool(_admin_townships(request.user)),
        },
    )


def campaign_new(request):
    townships = _admin_townships(request.user)
    if not townships:
        raise PermissionDenied(_("Only the township's organisation office may do this."))
    areas = in_areas(
        Region.objects.filter(level__in=[Level.TOWNSHIP, Level.VILLAGE]), townships, field="code"
    ).order_by("code")
    values = {"name": "", "area": townships[0], "starts_on": "", "ends_on": "", "kind": "visit"}
    status = 200
    if request.method == "POST":
        form = CampaignForm(request.POST, areas=areas)
        values = {k: (form[k].value() or "").strip() for k in values}
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            try:
                campaign = campaign_create(
                    actor=request.user,
                    area=data["area"],
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    kind=data["kind"] or CampaignKind.VISIT,
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("Campaign created."))
                return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"areas": areas, "values": values, "kinds": CampaignKind.choices},
        status=status,
    )


def campaign_detail(request, pk: int):
    campaign = campaign_for_user(request.user, pk)
    if campaign.kind in DUTY_KINDS:
        return _duty_detail(request, campaign)
    # The campaign engine's kinds (flood...) have their own dashboard.
    from wangge.campaigns import flood_views

    if flood_views.is_engine_kind(campaign):
        return flood_views.engine_detail(request, campaign)
    if campaign.kind == CampaignKind.EPIDEMIC:
        from wangge.campaigns.epidemic_views import epidemic_detail

        return epidemic_detail(request, campaign)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {"campaign": campaign, "counts": opinion_counts(request.user, campaign)},
    )


def opinion_index(request, pk: int):
    campaign = campaign_for_user(request.user, pk)
    category = request.GET.get("category", "")
    page = Paginator(opinion_list(request.user, campaign, category=category), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/opinion_list.html",
        {
            "campaign": campaign,
            "page": page,
            "category": category,
            "categories": _categories_for(campaign.township_code),
        },
    )


@require_POST
def opinion_category(request, pk: int):
    opinion = opinion_for_user(request.user, pk)
    form = OpinionCategoryForm(request.POST, categories=_categories_for(opinion.township_code))
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            opinion_categorise(
                actor=request.user, opinion=opinion, category=form.cleaned_data["category"]
            )
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
    next_url = form.cleaned_data.get("next", "")
    return redirect_back(request, next_url, "campaigns:opinion_list", pk=opinion.campaign_id)


def category_index(request):
    townships = townships_of(request.user)
    if not townships:
        raise PermissionDenied(_("Opinion categories belong to a township."))
    township = request.GET.get("township") or townships[0]
    if township not in townships:
        raise Http404
    can_edit = township in _admin_townships(request.user)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only the township's organisation office may do this."))
        form = CategoryForm(request.POST, categories=_categories_for(township))
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            category, name = form.cleaned_data["category"], form.cleaned_data["name"]
            try:
                if category is not None:
                    category_rename(actor=request.user, category=category, name=name)
                else:
                    category_create(actor=request.user, township_code=township, name=name)
                messages.success(request, _("Categories saved."))
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
        return redirect(f"{request.path}?township={township}")
    return render(
        request,
        "campaigns/categories.html",
        {"categories": _categories_for(township), "township": township, "can_edit": can_edit},
    )


def _duty_detail(request, campaign):
    """A duty campaign: its letter and who acknowledged it as counts per village (per grid of
    one chosen village), its roster, patrols and incidents."""
    village = request.GET.get("village", "")
    village = village if village.isdigit() and village.startswith(campaign.township_code) else ""
    staff = any(
        campaign.area_code.startswith(p) or p.startswith(campaign.area_code)
        for p in area_prefixes(request.user, CAMPAIGN_STAFF)
    )
    return render(
        request,
        "campaigns/duty_detail.html",
        {
            "campaign": campaign,
            "counts": pledge_counts(request.user, campaign, village=village),
            "village": village,
            "can_publish": campaign.township_code in _admin_townships(request.user),
            "staff": staff,
            "roster": roster_of(request.user, campaign),
            "people": person_choices(
                request,
                visible(Person.objects.all(), request.user)
                .filter(area_code__startswith=campaign.area_code)
                .order_by("area_code", "name"),
            ),
            "member_q": search_text(request),
            "logs": duty_log_list(request.user, campaign)[:10],
            "can_export": may_export(request.user),
        },
    )
