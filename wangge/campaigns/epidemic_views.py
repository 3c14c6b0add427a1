"""Pages of the epidemic campaign: the daily status per grid (each figure opens its list),
the returnee register (by members, and by residents from the grid's QR form), a returnee's
tests, quarantine and follow-ups, and the members' list of today's follow-ups."""

import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wangge.campaigns.epidemic import (
    STATUS_LISTS,
    daily_status,
    epidemic_campaign_for,
    follow_up_record,
    follow_ups_due,
    grids_for,
    households_of,
    lab_result_record,
    may_record,
    phone_key,
    public_grid,
    quarantine_start,
    returnee_for_user,
    returnee_input_errors,
    returnee_register,
    running_epidemic_for,
    status_list,
    status_villages,
)
from wangge.campaigns.epidemic_forms import (
    FollowUpBackForm,
    FollowUpForm,
    LabForm,
    PublicReturneeForm,
    QuarantineForm,
    ReturneeForm,
    errors_of,
    errors_of_service,
    grid_form,
)
from wangge.campaigns.models import (
    CampaignKind,
    LabOutcome,
    Quarantine,
    QuarantineKind,
    ReturneeChannel,
    RiskLevel,
)
from wangge.campaigns.posters import returnee_poster_png, returnee_posters_pdf, township_names
from wangge.campaigns.selectors import campaign_list
from wangge.core import public
from wangge.core.errors import DomainError
from wangge.core.identity import IdentityError, parse_phone
from wangge.core.qr import qr_svg
from wangge.core.views import show_error, show_form_errors
from wangge.grids.services import grid_qr_key
from wangge.regions.codes import TOWNSHIP_LENGTH, VILLAGE_LENGTH

PUBLIC_SALT = "wangge.campaigns.returnee-form"


def _day(request, campaign) -> datetime.date:
    """The day asked for, else today, kept within the campaign's period."""
    raw = request.GET.get("day", "")
    try:
        day = parse_date(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    day = day or timezone.localdate()
    return min(max(day, campaign.starts_on), campaign.ends_on)


def epidemic_detail(request, campaign):
    """The daily status per grid (called by the campaign page for an epidemic campaign).
    Over more than one village the page first shows a row per village (a phone cannot scroll
    through hundreds of grids), counted per village in the database; a village's name opens
    its grids."""
    user = request.user
    day = _day(request, campaign)
    village = request.GET.get("village", "")
    status = None
    if len(village) == VILLAGE_LENGTH and village.isdigit():
        status = daily_status(user, campaign, day, village=village)
    if status is None or not status["rows"]:
        village = ""
        status = daily_status(user, campaign, day, by_village=True)
        villages = [(where.code, where.name) for where, _row in status["rows"]]
        if len(villages) <= 1:
            status = daily_status(user, campaign, day)
    else:
        villages = status_villages(user, campaign)
    village_rows = []
    if status["by_village"]:
        village_rows = [(where.code, where.name, row) for where, row in status["rows"]]
    return render(
        request,
        "campaigns/epidemic/status.html",
        {
            "campaign": campaign,
            "status": status,
            "day": day,
            "village": village,
            "villages": villages,
            "village_rows": village_rows,
            "previous": day - datetime.timedelta(days=1) if day > campaign.starts_on else None,
            "next": day + datetime.timedelta(days=1) if day < campaign.ends_on else None,
            "can_register": grids_for(user, campaign, write=True).exists(),
        },
    )


def _list_title(what: str) -> str:
    return {
        "arrived": _("Arrived that day"),
        "registered": _("Registered so far"),
        "observed": _("Under observation (follow-up due)"),
        "done": _("Followed up that day"),
        "pending": _("Follow-up not yet done"),
        "positive": _("Positive so far"),
    }.get(what, _("Returnees"))


def returnee_index(request, pk: int):
    campaign = epidemic_campaign_for(request.user, pk)
    day = _day(request, campaign)
    what = request.GET.get("what", "")
    what = what if what in STATUS_LISTS else ""
    grid_id = request.GET.get("grid", "")
    grid = None
    if grid_id.isdigit():
        grid = grids_for(request.user, campaign).filter(pk=int(grid_id)).first()
        if grid is None:
            raise Http404
    returnees = status_list(request.user, campaign, day, what, grid_id=grid.pk if grid else None)
    village = request.GET.get("village", "")
    if len(village) == 12 and village.isdigit():
        returnees = returnees.filter(area_code__startswith=village)
    else:
        village = ""
    page = Paginator(returnees.order_by("-arrived_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/epidemic/returnee_list.html",
        {
            "campaign": campaign,
            "page": page,
            "grid": grid,
            "day": day,
            "what": what,
            "village": village,
            "title": _list_title(what),
        },
    )


def returnee_new(request, pk: int):
    """A member registers a returnee in one of the grids they record in."""
    campaign = epidemic_campaign_for(request.user, pk)
    grids = (
        grids_for(request.user, campaign, write=True)
        .select_related("area")
        .order_by("area_code", "name")
    )
    if not grids.exists():
        raise PermissionDenied(_("Only the grid's members and village staff may record here."))
    chosen = grid_form(grids, request.POST, request.GET)
    if not chosen.is_valid():  # a grid the member does not record in, or nonsense
        raise Http404
    grid = chosen.cleaned_data["grid"]
    households = households_of(grid) if grid else None
    values = {"arrived_on": timezone.localdate().isoformat(), "risk": "low"}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = request.POST
        form = ReturneeForm(request.POST)
        form.is_valid()
        errors = errors_of(form)
        data = form.cleaned_data
        household = None
        if data.get("household") and households is not None:
            household = households.filter(pk=data["household"]).first()
            if household is None:
                errors["household"] = _("Choose one of the grid's households.")
        if not errors:
            try:
                returnee = returnee_register(
                    actor=request.user,
                    campaign=campaign,
                    grid=grid,
                    name=data["name"],
                    phone=data["phone"],
                    origin=data["origin"],
                    risk=data["risk"],
                    arrived_on=data["arrived_on"],
                    household=household,
                )
            except (ValidationError, DomainError) as exc:
                errors = errors_of_service(exc)
            else:
                messages.success(request, _("Registered."))
                return redirect("campaigns:returnee_detail", pk=returnee.pk)
        status = 400
    return render(
        request,
        "campaigns/epidemic/returnee_form.html",
        {
            "campaign": campaign,
            "grids": grids,
            "grid": grid,
            "households": households,
            "values": values,
            "errors": errors,
            "risks": RiskLevel.choices,
        },
        status=status,
    )


def returnee_detail(request, pk: int):
    returnee = returnee_for_user(request.user, pk)
    today = timezone.localdate()
    quarantines = list(returnee.quarantines.prefetch_related("follow_ups__member"))
    for q in quarantines:
        days = {f.day for f in q.follow_ups.all()}
        q.missing_today = q.starts_on <= today <= q.ends_on and today not in days
    return render(
        request,
        "campaigns/epidemic/returnee_detail.html",
        {
            "returnee": returnee,
            "tests": returnee.tests.all(),
            "quarantines": quarantines,
            "can_record": may_record(request.user, returnee.grid),
            "outcomes": LabOutcome.choices,
            "kinds": QuarantineKind.choices,
            "today": today,
            "default_end": today + datetime.timedelta(days=13),
        },
    )


@require_POST
def lab_result_new(request, pk: int):
    returnee = returnee_for_user(request.user, pk)
    form = LabForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            lab_result_record(actor=request.user, returnee=returnee, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Test result recorded."))
    return redirect("campaigns:returnee_detail", pk=returnee.pk)


@require_POST
def quarantine_new(request, pk: int):
    returnee = returnee_for_user(request.user, pk)
    form = QuarantineForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            quarantine_start(actor=request.user, returnee=returnee, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Quarantine recorded: a follow-up is due each day."))
    return redirect("campaigns:returnee_detail", pk=returnee.pk)


@require_POST
def follow_up_new(request, pk: int):
    quarantine = Quarantine.objects.select_related("returnee").filter(pk=pk).first()
    if quarantine is None:
        raise Http404
    returnee = returnee_for_user(request.user, quarantine.returnee_id)
    quarantine.returnee = returnee
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        try:
            follow_up_record(actor=request.user, quarantine=quarantine, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
    if FollowUpBackForm(request.POST).to_due_list():
        return redirect("campaigns:follow_ups_due")
    return redirect("campaigns:returnee_detail", pk=returnee.pk)


def due_index(request):
    """Today's follow-ups not yet done in the grids the user serves in."""
    today = timezone.localdate()
    due = list(follow_ups_due(request.user, today)[:200])
    campaigns = campaign_list(request.user).filter(
        kind=CampaignKind.EPIDEMIC, starts_on__lte=today, ends_on__gte=today
    )
    return render(
        request,
        "campaigns/epidemic/due.html",
        {"due": due, "today": today, "campaigns": campaigns},
    )


def _qr_grids(request, campaign):
    """The grids whose posters the page lists: the user's (write) epidemic grids, one village
    (``?village=``) at a time if asked."""
    grids = grids_for(request.user, campaign, write=True).select_related("area")
    village = request.GET.get("village", "")
    if village.isdigit():
        grids = grids.filter(area_code__startswith=village)
    return grids.order_by("area_code", "name"), village if village.isdigit() else ""


def _posters(request, grids) -> list[dict]:
    townships = township_names(grids)
    posters = []
    for grid in grids:
        url = request.build_absolute_uri(
            reverse("campaigns:returnee_public", args=[grid_qr_key(grid)])
        )
        township = townships.get(grid.area_code[:TOWNSHIP_LENGTH], "")
        posters.append({"grid": grid, "url": url, "township": township})
    return posters


def qr_index(request, pk: int):
    """The QR codes of the campaign's epidemic grids (one village at a time), to print; each
    also as a PNG and a PDF, and the page's posters as one PDF."""
    campaign = epidemic_campaign_for(request.user, pk)
    grids, village = _qr_grids(request, campaign)
    page = Paginator(grids, 20).get_page(request.GET.get("page"))
    posters = _posters(request, page.object_list)
    for poster in posters:
        poster["svg"] = qr_svg(poster["url"])
    return render(
        request,
        "campaigns/epidemic/qr.html",
        {"campaign": campaign, "posters": posters, "page": page, "village": village},
    )


def _one_grid(request, campaign, grid: int):
    grids, _village = _qr_grids(request, campaign)
    found = grids.filter(pk=grid).first()
    if found is None:
        raise Http404
    return found


def qr_png(request, pk: int, grid: int):
    """One grid's poster as a PNG."""
    campaign = epidemic_campaign_for(request.user, pk)
    poster = _posters(request, [_one_grid(request, campaign, grid)])[0]
    data = returnee_poster_png(poster["grid"], poster["township"], poster["url"])
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="returnee-poster-{grid}.png"'
    return response


def qr_pdf(request, pk: int):
    """The posters as a PDF of real text, one A5 page each: one grid's (``?grid=``) or the
    listed page's (the same village and page as the list)."""
    campaign = epidemic_campaign_for(request.user, pk)
    one = request.GET.get("grid", "")
    if one.isdigit():
        grids = [_one_grid(request, campaign, int(one))]
        name = f"returnee-poster-{one}.pdf"
    else:
        all_grids, _village = _qr_grids(request, campaign)
        grids = list(Paginator(all_grids, 20).get_page(request.GET.get("page")).object_list)
        name = "returnee-posters.pdf"
    if not grids:
        raise Http404
    response = HttpResponse(
        returnee_posters_pdf(_posters(request, grids)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _too_many(ip: str, phone: str) -> bool:
    with contextlib.suppress(IdentityError):
        phone = parse_phone(phone, allow_landline=True)
    return public.rate_limited("submit_per_ip", ip) or bool(
        phone and public.rate_limited("submit_per_phone", phone_key(phone))
    )


@never_cache
@login_not_required
def returnee_public(request, key: str):
    """The grid's QR form: a resident back from elsewhere registers without an account, with
    the request form's protections (the sum, the honeypot, the time, rate limits)."""
    grid = public_grid(key)
    today = timezone.localdate()
    campaign = running_epidemic_for(grid.area_code, today) if grid else None
    if campaign is None:
        raise Http404
    context = {"grid": grid, "campaign": campaign, "risks": RiskLevel.choices, "today": today}
    if request.method != "POST":
        return render(
            request,
            "campaigns/epidemic/public_form.html",
            {**context, "post": {}, "challenge": public.challenge_new(PUBLIC_SALT)},
        )
    form = PublicReturneeForm(request.POST)
    form.is_valid()
    errors = errors_of(form)
    data = form.cleaned_data
    typed, _cleaned = returnee_input_errors(
        campaign=campaign,
        grid=grid,
        name=data.get("name", ""),
        phone=data.get("phone", ""),
        origin=data.get("origin", ""),
        risk=data.get("risk", ""),
        arrived_on=data.get("arrived_on"),
        public=True,
        today=today,
    )
    errors = {**typed, **errors}
    try:
        public.challenge_check(
            data.get("token", ""), data.get("answer", ""), data.get("website", ""), PUBLIC_SALT
        )
    except ValueError as exc:
        errors.setdefault("answer", str(exc))
    if not errors and _too_many(public.client_ip(request), data["phone"]):
        errors["form"] = _(
            "Too many registrations from this phone or connection. Please wait an hour, or "
            "tell your grid member."
        )
    if not errors:
        try:
            returnee = returnee_register(
                actor=None,
                campaign=campaign,
                grid=grid,
                name=data["name"],
                phone=data["phone"],
                origin=data["origin"],
                risk=data["risk"],
                arrived_on=data["arrived_on"],
                channel=ReturneeChannel.PUBLIC_QR,
                today=today,
            )
        except (ValidationError, DomainError) as exc:
            errors = errors_of_service(exc)
        else:
            return render(
                request,
                "campaigns/epidemic/public_done.html",
                {**context, "returnee": returnee},
            )
    return render(
        request,
        "campaigns/epidemic/public_form.html",
        {
            **context,
            "post": request.POST,
            "errors": errors,
            "challenge": public.challenge_new(PUBLIC_SALT),
        },
        status=400,
    )
