"""Campaign pages: the list, a campaign's counts, its opinions to categorise, and categories."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas
from wangge.campaigns.models import OpinionCategory
from wangge.campaigns.selectors import (
    _categories_for,
    campaign_for_user,
    campaign_list,
    opinion_counts,
    opinion_for_user,
    opinion_list,
)
from wangge.campaigns.services import (
    campaign_create,
    category_create,
    category_rename,
    opinion_categorise,
)
from wangge.core.errors import DomainError
from wangge.regions.models import Region


def _error(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, getattr(exc, "message", str(exc)))


def _admin_townships(user) -> list[str]:
    return sorted({p[:9] for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN}) if len(p) >= 9})


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
        Region.objects.filter(level__in=["township", "village"]), townships, field="code"
    ).order_by("code")
    values = {"name": "", "area": townships[0], "starts_on": "", "ends_on": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        area = areas.filter(code=values["area"]).first()
        try:
            starts = datetime.date.fromisoformat(values["starts_on"])
            ends = datetime.date.fromisoformat(values["ends_on"])
        except ValueError:
            messages.error(request, _("Enter the dates as YYYY-MM-DD."))
        else:
            if area is None:
                messages.error(request, _("Choose an area of your township."))
            else:
                try:
                    campaign = campaign_create(
                        actor=request.user,
                        area=area,
                        name=values["name"],
                        starts_on=starts,
                        ends_on=ends,
                    )
                except (ValidationError, DomainError) as exc:
                    _error(request, exc)
                else:
                    messages.success(request, _("Campaign created."))
                    return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"areas": areas, "values": values})


def campaign_detail(request, pk: int):
    campaign = campaign_for_user(request.user, pk)
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
    category = None
    if request.POST.get("category"):
        category = (
            _categories_for(opinion.township_code).filter(pk=request.POST["category"]).first()
            if request.POST["category"].isdigit()
            else None
        )
        if category is None:
            raise Http404
    try:
        opinion_categorise(actor=request.user, opinion=opinion, category=category)
    except (ValidationError, DomainError) as exc:
        _error(request, exc)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/campaigns/"):
        return redirect(next_url)
    return redirect("campaigns:opinion_list", pk=opinion.campaign_id)


def category_index(request):
    townships = sorted({p[:9] for p in area_prefixes(request.user) if len(p) >= 9})
    if not townships:
        raise PermissionDenied(_("Opinion categories belong to a township."))
    township = request.GET.get("township") or townships[0]
    if township not in townships:
        raise Http404
    can_edit = township in _admin_townships(request.user)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only the township's organisation office may do this."))
        try:
            if request.POST.get("category"):
                if not request.POST["category"].isdigit():
                    raise Http404
                category = OpinionCategory.objects.filter(
                    township_code=township, pk=request.POST["category"]
                ).first()
                if category is None:
                    raise Http404
                category_rename(
                    actor=request.user, category=category, name=request.POST.get("name", "")
                )
            else:
                category_create(
                    actor=request.user, township_code=township, name=request.POST.get("name", "")
                )
            messages.success(request, _("Categories saved."))
        except (ValidationError, DomainError) as exc:
            _error(request, exc)
        return redirect(f"{request.path}?township={township}")
    return render(
        request,
        "campaigns/categories.html",
        {"categories": _categories_for(township), "township": township, "can_edit": can_edit},
    )
