"""Pages of the duty campaigns (straw-burning ban, forest-fire prevention): the letter to
acknowledge, patrols and incidents, the roster, and accountability for the discipline committee."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, has_role, visible
from wangge.campaigns.forms import (
    AccountabilityForm,
    AdvanceForm,
    DutyLogForm,
    PledgeForm,
    RosterForm,
)
from wangge.campaigns.models import DUTY_KINDS, LOG_KINDS, AccountabilityStatus
from wangge.campaigns.pickers import member_choices, person_choices, search_text
from wangge.campaigns.selectors import (
    accountability_for_user,
    accountability_list,
    campaign_for_user,
    duty_campaigns_for,
    duty_log_for_user,
    duty_log_list,
    pledge_for_user,
    scope_members,
)
from wangge.campaigns.services import (
    CAMPAIGN_STAFF,
    accountability_advance,
    accountability_open,
    duty_log_record,
    pledge_acknowledge,
    pledge_publish,
    roster_add,
)
from wangge.core.errors import ConflictError, DomainError
from wangge.core.views import show_error, show_form_errors
from wangge.grids.models import Person
from wangge.regions.models import Level, Region


def _duty_campaign(user, pk: int):
    campaign = campaign_for_user(user, pk)
    if campaign.kind not in DUTY_KINDS:
        raise Http404
    return campaign


@require_POST
def pledge_new(request, pk: int):
    campaign = _duty_campaign(request.user, pk)
    form = PledgeForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            pledge = pledge_publish(
                actor=request.user, campaign=campaign, text=form.cleaned_data["text"]
            )
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
        else:
            messages.success(
                request,
                _("Version %(v)s published: every grid member is asked to acknowledge it.")
                % {"v": pledge.version},
            )
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


def pledge_ack(request, pk: int):
    """The letter in large text and one button; a second tap stores nothing new."""
    pledge = pledge_for_user(request.user, pk)
    if request.method == "POST":
        _ack, created = pledge_acknowledge(actor=request.user, pledge=pledge)
        if created:
            messages.success(request, _("Thank you: your acknowledgement is recorded."))
        else:
            messages.info(request, _("You had already acknowledged this letter."))
        return redirect("visits:home")
    member = getattr(request.user, "member", None)
    done = member is not None and pledge.acks.filter(member=member).exists()
    return render(request, "campaigns/pledge_ack.html", {"pledge": pledge, "done": done})


def duty_log_new(request):
    """A member's patrol or incident, on the phone: campaign, day, place in words, what happened."""
    today = timezone.localdate()
    campaigns = duty_campaigns_for(request.user, today)
    if getattr(request.user, "member", None) is None:
        raise PermissionDenied(_("Your login is not linked to a Party member record."))
    form = DutyLogForm(
        request.POST or None,
        request.FILES or None,
        campaigns=campaigns,
        initial={"day": today, "kind": "patrol", "campaign": campaigns.first()},
    )
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            try:
                duty_log_record(
                    actor=request.user,
                    campaign=data["campaign"],
                    kind=data["kind"],
                    day=data["day"],
                    place=data["place"],
                    text=data["text"],
                    photo=data.get("photo"),
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(request, _("Recorded. Thank you."))
                return redirect("visits:home")
    return render(
        request,
        "campaigns/duty_log_form.html",
        {"form": form, "campaigns": campaigns},
        status=status,
    )


def duty_log_index(request, pk: int):
    campaign = campaign_for_user(request.user, pk)
    if campaign.kind not in LOG_KINDS:
        raise Http404
    kind = request.GET.get("kind", "")
    kind = kind if kind in {"patrol", "incident"} else ""
    page = Paginator(duty_log_list(request.user, campaign, kind=kind), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "campaigns/duty_log_list.html", {"campaign": campaign, "page": page, "kind": kind}
    )


def duty_log_photo(request, pk: int):
    entry = duty_log_for_user(request.user, pk)
    if not entry.photo or not default_storage.exists(entry.photo):
        raise Http404
    return FileResponse(default_storage.open(entry.photo, "rb"), content_type="image/jpeg")


@require_POST
def roster_new(request, pk: int):
    campaign = _duty_campaign(request.user, pk)
    people = visible(Person.objects.all(), request.user)
    form = RosterForm(request.POST, people=people)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            roster_add(
                actor=request.user,
                campaign=campaign,
                person=form.cleaned_data["person"],
                duty=form.cleaned_data["duty"],
            )
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Added to the roster."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


def accountability_new(request, pk: int):
    campaign = _duty_campaign(request.user, pk)
    if not any(
        p.startswith(campaign.area_code) or campaign.area_code.startswith(p)
        for p in area_prefixes(request.user, CAMPAIGN_STAFF)
    ):
        raise PermissionDenied(_("Only campaign staff of this area may do this."))
    areas = (
        visible(
            Region.objects.filter(level=Level.VILLAGE, code__startswith=campaign.area_code[:9]),
            request.user,
            field="code",
        )
        .filter(code__startswith=campaign.area_code)
        .order_by("code")
    )
    form = AccountabilityForm(
        request.POST or None,
        areas=areas,
        members=visible(scope_members(campaign), request.user),
        people=visible(Person.objects.all(), request.user),
        logs=duty_log_list(request.user, campaign, kind="incident"),
    )
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            try:
                record = accountability_open(
                    actor=request.user, campaign=campaign, **form.cleaned_data
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(request, _("Sent to the discipline committee."))
                return redirect("campaigns:accountability_detail", pk=record.pk)
    return render(
        request,
        "campaigns/accountability_form.html",
        {
            "campaign": campaign,
            "form": form,
            "members": member_choices(
                request, form.fields["member"].queryset, keep=form["member"].value()
            ),
            "people": person_choices(
                request,
                form.fields["person"]
                .queryset.filter(area_code__startswith=campaign.area_code)
                .order_by("area_code", "name"),
                keep=form["person"].value(),
            ),
            "member_q": search_text(request),
        },
        status=status,
    )


def accountability_index(request):
    status = request.GET.get("status", "")
    status = status if status in AccountabilityStatus.values else ""
    page = Paginator(accountability_list(request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/accountability_list.html",
        {"page": page, "status": status, "statuses": AccountabilityStatus.choices},
    )


def accountability_detail(request, pk: int):
    record = accountability_for_user(request.user, pk)
    can_decide = any(
        record.area_code.startswith(p) for p in area_prefixes(request.user, {Role.DISCIPLINE})
    )
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(_("Only the discipline committee may do this."))
        form = AdvanceForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            try:
                accountability_advance(
                    actor=request.user,
                    record=record,
                    status=form.cleaned_data["status"],
                    decision=form.cleaned_data["decision"],
                    expected_version=form.cleaned_data["version"],
                )
            except (ValidationError, ConflictError, DomainError) as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("Saved."))
        return redirect("campaigns:accountability_detail", pk=record.pk)
    return render(
        request,
        "campaigns/accountability_detail.html",
        {
            "record": record,
            "can_decide": can_decide,
            "is_discipline": has_role(request.user, Role.DISCIPLINE),
        },
    )
