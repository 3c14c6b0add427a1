"""Member pages: list, detail, create, edit and the audited reveal of full numbers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes, can_write_registry, visible
from wangge.core.errors import ConflictError
from wangge.core.forms import RevealForm, add_service_errors
from wangge.core.reveal import reveal
from wangge.party.forms import AGE_BAND_CHOICES, MemberForm
from wangge.party.selectors import (
    MemberFilters,
    member_for_user,
    organisations_for_user,
)
from wangge.party.selectors import (
    member_list as select_members,
)
from wangge.party.services import member_create, member_update
from wangge.regions.models import Level, Region

PAGE_SIZE = 50


def member_list(request):
    filters = MemberFilters.from_params(request.GET)
    members = select_members(request.user, filters).defer("id_number", "phone")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "party/member_list.html",
        {
            "page": page,
            "filters": filters,
            "villages": visible(
                Region.objects.filter(level=Level.VILLAGE), request.user, field="code"
            ),
            "organisations": organisations_for_user(request.user).only("id", "name"),
            "age_bands": AGE_BAND_CHOICES,
            "can_write": bool(area_prefixes(request.user, REGISTRY_WRITERS)),
        },
    )


def member_detail(request, pk: int):
    member = member_for_user(request.user, pk)
    return render(request, "party/member_detail.html", _detail_context(request, member))


def _detail_context(request, member, **extra) -> dict:
    return {
        "member": member,
        "positions": member.positions.select_related("organisation"),
        "can_write": can_write_registry(request.user, member.area_code),
        "reveal_form": extra.pop("reveal_form", None) or RevealForm(area_code=member.area_code),
        "reveal_url": reverse("party:member_reveal", args=[member.pk]),
        **extra,
    }


@never_cache
@require_POST
def member_reveal(request, pk: int):
    """Show the full ID number and phone once, with a reason, and record who looked."""
    member = member_for_user(request.user, pk)
    if not can_write_registry(request.user, member.area_code):
        raise PermissionDenied
    form = RevealForm(request.POST, area_code=member.area_code)
    if form.is_valid():
        revealed = reveal(
            actor=request.user,
            obj=member,
            fields=["id_number", "phone"],
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
        )
        context = _detail_context(request, member, revealed=revealed)
    else:
        context = _detail_context(request, member, reveal_form=form)
    if request.htmx:  # htmx swaps only 2xx answers: a refused form comes back as 200 too
        return render(request, "core/_reveal.html", context)
    status = 200 if form.is_valid() else 400
    return render(request, "party/member_detail.html", context, status=status)


def member_create_view(request):
    if not area_prefixes(request.user, REGISTRY_WRITERS):
        raise PermissionDenied
    form = MemberForm(_post(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_create(actor=request.user, data=form.validated)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Member %(name)s was added.") % {"name": member.name})
            return redirect("party:member_detail", pk=member.pk)
    return render(request, "party/member_form.html", {"form": form, "member": None})


def member_edit(request, pk: int):
    member = member_for_user(request.user, pk)
    if not can_write_registry(request.user, member.area_code):
        raise PermissionDenied
    form = MemberForm(_post(request), user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_update(
                actor=request.user,
                member=member,
                data=form.validated,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("party:member_detail", pk=member.pk)
    return render(request, "party/member_form.html", {"form": form, "member": member})


def _post(request):
    return request.POST if request.method == "POST" else None
