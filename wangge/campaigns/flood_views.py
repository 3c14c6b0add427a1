"""Pages of the campaign engine (flood control first): the dashboard per level, the declared
emergency, teams, dike sections and shifts, tasks, turn-outs (the member's own in two taps on
the phone, and staff recording for their team), and the printable after-action summary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes, visible
from wangge.campaigns.engine import (
    emergency_declare,
    emergency_of,
    has_feature,
    may_change_turnout,
    section_create,
    shift_assign,
    task_create,
    team_add,
    team_create,
    turnout_correct,
    turnout_record,
    turnout_withdraw,
)
from wangge.campaigns.flood_forms import (
    EmergencyForm,
    MyTurnoutForm,
    SectionForm,
    ShiftForm,
    TaskForm,
    TeamForm,
    TeamMemberForm,
    TurnoutCorrectForm,
    TurnoutForm,
)
from wangge.campaigns.forms import BackToVillageForm, TurnoutWithdrawForm
from wangge.campaigns.models import (
    Campaign,
    CampaignTask,
    DikeSection,
    DutyShift,
    Shift,
    TeamKind,
)
from wangge.campaigns.pickers import member_choices, person_choices, search_text
from wangge.campaigns.selectors import campaign_for_user
from wangge.campaigns.services import CAMPAIGN_STAFF
from wangge.campaigns.turnouts import (
    TurnoutFilters,
    dashboard,
    emergency_campaigns_for,
    scope_villages,
    sections_of,
    summary,
    team_rosters,
    teams_of,
    turnout_for_user,
    turnout_list,
    village_rows,
)
from wangge.campaigns.views import _admin_townships
from wangge.core.errors import DomainError
from wangge.core.forms import cleaned_or_raise
from wangge.core.periods import PeriodError
from wangge.core.views import show_error, show_form_errors
from wangge.grids.models import Grid, Person
from wangge.imports.exporting import can_export
from wangge.party.models import Member, Organisation
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region


def _engine_campaign(user, pk: int, feature: str) -> Campaign:
    campaign = campaign_for_user(user, pk)
    if not has_feature(campaign, feature):
        raise Http404
    return campaign


def _staff_anywhere(user, campaign: Campaign) -> bool:
    """Campaign staff over the campaign's area or a village inside it."""
    return any(
        campaign.area_code.startswith(p) or p.startswith(campaign.area_code)
        for p in area_prefixes(user, CAMPAIGN_STAFF)
    )


def _villages(user, campaign: Campaign):
    return Region.objects.filter(
        level=Level.VILLAGE, code__startswith=campaign.area_code[:9]
    ).filter(code__startswith=campaign.area_code)


def _members(user, campaign: Campaign):
    return visible(Member.objects.filter(area_code__startswith=campaign.area_code), user).order_by(
        "area_code", "name"
    )


def _persons(user, campaign: Campaign):
    return visible(Person.objects.filter(area_code__startswith=campaign.area_code), user).order_by(
        "area_code", "name"
    )


def _branches(user, campaign: Campaign):
    return visible(
        Organisation.objects.filter(area_code__startswith=campaign.area_code), user
    ).order_by("area_code", "name")


# --- the dashboard ---


def engine_detail(request, campaign: Campaign):
    """Township level: figures per village; ``?village=`` one village per team and section.
    Every figure opens the turn-outs (or incidents) behind it.

    Over more than one village (a township's or a county's office) the page shows a row per
    village — teams, sections, workers, turn-outs, the share of Party members — and a village's
    name opens its view, with its teams and sections in full and the staff forms whose choice
    lists are that village's: a county's 400 teams, 270 sections and thousands of members are
    never listed on one page. A reader whose scope holds one village sees it in full at once,
    with the figures of their whole scope as before."""
    user = request.user
    village = request.GET.get("village", "")
    village = village if village.isdigit() and village.startswith(campaign.township_code) else ""
    village = village if len(village) == VILLAGE_LENGTH else ""
    # Any village of the campaign: the figures stay those of the reader's own scope (a
    # back-line secretary sees their people's turn-outs in the front-line village).
    board = dashboard(user, campaign, village=village)
    own = scope_villages(user, campaign)
    folded = not village and len(own) > 1
    staff = _staff_anywhere(user, campaign)
    context = {
        "campaign": campaign,
        "board": board,
        "folded": folded,
        "emergency": emergency_of(campaign),
        "today": timezone.localdate(),
        "village_name": Region.objects.filter(code=village).values_list("name", flat=True).first(),
        "can_declare": campaign.township_code in _admin_townships(user),
        "staff": staff,
        "base_query": TurnoutFilters(campaign=str(campaign.pk), area_code=village).query(),
    }
    tasks = visible(CampaignTask.objects.filter(campaign=campaign), user)
    if village:
        tasks = tasks.filter(area_code__startswith=village)
    context["tasks"] = tasks.select_related("grid", "member", "person")[:50]
    if folded:
        context["village_rows"] = village_rows(user, campaign, board["villages"])
        context["duty_shifts"] = (
            DutyShift.objects.filter(section__in=sections_of(user, campaign).values("pk"))
            .select_related("section", "team")
            .order_by("-day", "section__name", "shift")[:20]
        )
        return render(request, "campaigns/flood/detail.html", context)
    teams = list(teams_of(user, campaign, village=village))
    rosters = team_rosters(teams)
    for team in teams:
        team.roster = rosters.get(team.pk, [])
    sections = list(sections_of(user, campaign, village=village))
    context |= {
        "teams": teams,
        "sections": sections,
        "team_kinds": TeamKind.choices,
        "shifts": Shift.choices,
        "duty_shifts": DutyShift.objects.filter(section__in=[s.pk for s in sections])
        .select_related("section", "team")
        .order_by("-day", "section__name", "shift")[:20],
    }
    if staff:
        # The village's people, and those of the villages its teams come from (a back-line
        # village's team serving here); the picker shows the first few, a name finds the rest.
        homes = {village} | {team.area_code[:VILLAGE_LENGTH] for team in teams} - {""}
        area = Q()
        for code in homes:
            area |= Q(area_code__startswith=code)
        members, persons = _members(user, campaign), _persons(user, campaign)
        branches, grids = _branches(user, campaign), _grids(user, campaign)
        if village:
            members, persons = members.filter(area), persons.filter(area)
            branches = branches.filter(area_code__startswith=village)
            grids = grids.filter(area_code__startswith=village)
        context |= {
            "village": village,
            "villages": _villages(user, campaign),
            "home": village or (own[0] if own else ""),
            "members": member_choices(request, members),
            "persons": person_choices(request, persons),
            "member_q": search_text(request),
            "branches": branches[:200],
            "grids": grids[:500],
        }
    return render(request, "campaigns/flood/detail.html", context)


def _grids(user, campaign: Campaign):
    return visible(Grid.objects.filter(area_code__startswith=campaign.area_code), user).order_by(
        "area_code", "name"
    )


def _back(campaign: Campaign, request):
    """The campaign's page, the village's view the form was sent from if it was one."""
    form = BackToVillageForm(request.POST)
    village = form.cleaned_data["village"] if form.is_valid() else ""
    if village:
        return redirect(
            reverse("campaigns:campaign_detail", args=[campaign.pk]) + f"?village={village}"
        )
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


def _run(request, action, success: str) -> bool:
    try:
        action()
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
        return False
    messages.success(request, success)
    return True


def _submit(request, campaign: Campaign, form, action, success: str):
    """Validate ``form``; if it holds, run ``action(cleaned_data)`` and say ``success``; either
    way go back to the campaign's page, the form's or the service's plain error shown."""
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        _run(request, lambda: action(form.cleaned_data), success)
    return _back(campaign, request)


@require_POST
def emergency_new(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "emergency")
    form = EmergencyForm(request.POST)
    return _submit(
        request,
        campaign,
        form,
        lambda data: emergency_declare(
            actor=request.user,
            campaign=campaign,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        ),
        _("Emergency declared: members may now record that they are on duty."),
    )


@require_POST
def team_new(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "teams")
    form = TeamForm(request.POST, villages=_villages(request.user, campaign))
    return _submit(
        request,
        campaign,
        form,
        lambda data: team_create(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            kind=data["kind"],
            home=data["home"],
            serves=data["serves"],
        ),
        _("Team formed."),
    )


@require_POST
def team_member_new(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "teams")
    form = TeamMemberForm(
        request.POST,
        teams=teams_of(request.user, campaign),
        members=_members(request.user, campaign),
        persons=_persons(request.user, campaign),
    )
    return _submit(
        request,
        campaign,
        form,
        lambda data: team_add(
            actor=request.user,
            team=data["team"],
            member=data["member"],
            person=data["person"],
            leader=data["leader"],
        ),
        _("Added to the team."),
    )


@require_POST
def section_new(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "sections")
    form = SectionForm(request.POST, branches=_branches(request.user, campaign))
    return _submit(
        request,
        campaign,
        form,
        lambda data: section_create(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            place=data["place"],
            organisation=data["organisation"],
        ),
        _("Dike section assigned to the branch."),
    )


@require_POST
def shift_new(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "shifts")
    form = ShiftForm(
        request.POST,
        sections=sections_of(request.user, campaign),
        teams=teams_of(request.user, campaign),
    )
    return _submit(
        request,
        campaign,
        form,
        lambda data: shift_assign(
            actor=request.user,
            section=data["section"],
            day=data["day"],
            shift=data["shift"],
            team=data["team"],
        ),
        _("Shift saved."),
    )


@require_POST
def task_new(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "tasks")
    user = request.user
    form = TaskForm(
        request.POST,
        members=_members(user, campaign),
        persons=_persons(user, campaign),
        grids=_grids(user, campaign),
    )
    return _submit(
        request,
        campaign,
        form,
        lambda data: task_create(
            actor=user,
            campaign=campaign,
            text=data["text"],
            due_on=data["due_on"],
            grid=data["grid"],
            member=data["member"],
            person=data["person"],
        ),
        _("Task given."),
    )


# --- turn-outs ---


def turnout_index(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "turnouts")
    params = request.GET.copy()
    params["campaign"] = str(campaign.pk)
    try:
        filters = TurnoutFilters.from_params(params)
    except PeriodError as exc:
        messages.error(request, str(exc))
        filters = TurnoutFilters(campaign=str(campaign.pk))
    page = Paginator(turnout_list(request.user, filters), 50).get_page(request.GET.get("page"))
    changeable = {t.pk for t in page if may_change_turnout(request.user, t)}
    return render(
        request,
        "campaigns/flood/turnouts.html",
        {
            "campaign": campaign,
            "page": page,
            "filters": filters,
            "query": filters.query(),
            "can_export": can_export(request.user),
            "can_record": _staff_anywhere(request.user, campaign),
            "changeable": changeable,
        },
    )


def turnout_new(request, pk: int):
    """Staff record the turn-outs of their team's members and persons."""
    campaign = _engine_campaign(request.user, pk, "turnouts")
    user = request.user
    if not _staff_anywhere(user, campaign):
        raise PermissionDenied(_("Only campaign staff of this area may do this."))
    teams = teams_of(user, campaign)
    sections = sections_of(user, campaign)
    members, persons = _members(user, campaign), _persons(user, campaign)
    # ``?village=``: the lists of that village (its teams, sections and people, and those of
    # the villages its teams come from); what is posted is checked against the whole scope.
    village = request.GET.get("village", "")
    village = village if village.isdigit() and len(village) == VILLAGE_LENGTH else ""
    shown_teams, shown_sections, shown_members, shown_persons = teams, sections, members, persons
    # Over more than one village the teams and sections are listed for a chosen village only.
    choose = not village and len(scope_villages(user, campaign)) > 1
    if choose:
        shown_teams, shown_sections = teams.none(), sections.none()
    if village:
        shown_teams = teams_of(user, campaign, village=village)
        shown_sections = sections_of(user, campaign, village=village)
        area = Q(area_code__startswith=village)
        for home in {t.area_code[:VILLAGE_LENGTH] for t in shown_teams}:
            area |= Q(area_code__startswith=home)
        shown_members, shown_persons = members.filter(area), persons.filter(area)
    today = timezone.localdate()
    form = TurnoutForm(
        request.POST or None,
        members=members,
        persons=persons,
        teams=teams,
        sections=sections,
        initial={"day": today, "hours": "8"},
    )
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            if data["member"] is None and data["person"] is None:
                messages.error(request, _("Choose a Party member or a person, one of them."))
                status = 400
            elif _run(
                request,
                lambda: turnout_record(
                    actor=user,
                    campaign=campaign,
                    day=data["day"],
                    hours=data["hours"],
                    member=data["member"],
                    person=data["person"],
                    team=data["team"],
                    section=data["section"],
                    task=data["task"],
                    note=data["note"],
                ),
                _("Turn-out recorded."),
            ):
                again = reverse("campaigns:turnout_new", args=[campaign.pk])
                return redirect(f"{again}?village={village}" if village else again)
            else:
                status = 400
    return render(
        request,
        "campaigns/flood/turnout_form.html",
        {
            "campaign": campaign,
            "form": form,
            "teams": shown_teams,
            "sections": shown_sections,
            "village": village,
            "villages": _villages(user, campaign) if choose or village else [],
            "members": member_choices(request, shown_members, keep=form["member"].value()),
            "persons": person_choices(request, shown_persons, keep=form["person"].value()),
            "member_q": search_text(request),
            "emergency": emergency_of(campaign),
        },
        status=status,
    )


def turnout_mine(request):
    """The member's phone: "I am on duty today" in one tap (the second, after the home card),
    only while an emergency is declared over their area."""
    user = request.user
    if getattr(user, "member", None) is None:
        raise PermissionDenied(_("Your login is not linked to a Party member record."))
    today = timezone.localdate()
    campaigns = emergency_campaigns_for(user, today)
    sections = DikeSection.objects.filter(campaign__in=campaigns).order_by("area_code", "name")
    form = MyTurnoutForm(
        request.POST or None,
        campaigns=campaigns,
        sections=sections,
        initial={"campaign": campaigns.first(), "hours": "8"},
    )
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            if data["section"] is not None and data["section"].campaign_id != data["campaign"].pk:
                messages.error(request, _("Choose a dike section of this campaign."))
                status = 400
            elif _run(
                request,
                lambda: turnout_record(
                    actor=user,
                    campaign=data["campaign"],
                    day=today,
                    hours=data["hours"],
                    section=data["section"],
                ),
                _("Recorded: you are on duty today. Thank you."),
            ):
                return redirect("visits:home")
            else:
                status = 400
    mine = turnout_list(user, TurnoutFilters(day=today.isoformat())).filter(member=user.member)
    return render(
        request,
        "campaigns/flood/mine.html",
        {"form": form, "campaigns": campaigns, "sections": sections, "mine": mine},
        status=status,
    )


def turnout_change(request, pk: int):
    """Correct a turn-out (hours, day within the emergency, section) or withdraw it: who
    recorded it, or campaign staff of its area; a stale form is refused, not saved over."""
    user = request.user
    turnout = turnout_for_user(user, pk)
    campaign = turnout.campaign
    if not has_feature(campaign, "turnouts"):
        raise Http404
    if not may_change_turnout(user, turnout):
        raise PermissionDenied(
            _("Only who recorded this turn-out, or campaign staff of its area, may change it.")
        )
    sections = DikeSection.objects.filter(campaign=campaign).select_related("area")
    sections = sections.filter(pk=turnout.section_id) | sections_of(user, campaign)
    form = TurnoutCorrectForm(
        request.POST or None,
        sections=sections.distinct(),
        initial={
            "day": turnout.day,
            "hours": turnout.hours,
            "section": turnout.section_id,
            "version": turnout.version,
        },
    )
    status = 200
    if request.method == "POST":
        withdrawal = TurnoutWithdrawForm(request.POST)
        if withdrawal["withdraw"].value():

            def withdraw():
                data = cleaned_or_raise(withdrawal)  # a damaged page: refused in plain words
                turnout_withdraw(actor=user, turnout=turnout, expected_version=data["version"])

            if _run(request, withdraw, _("Turn-out withdrawn.")):
                return _after_change(user, campaign)
            status = 409
        elif not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            if _run(
                request,
                lambda: turnout_correct(
                    actor=user,
                    turnout=turnout,
                    expected_version=data["version"],
                    day=data["day"],
                    hours=data["hours"],
                    section=data["section"],
                ),
                _("Turn-out corrected."),
            ):
                return _after_change(user, campaign)
            status = 400
    return render(
        request,
        "campaigns/flood/turnout_change.html",
        {
            "turnout": turnout,
            "campaign": campaign,
            "form": form,
            "sections": form.fields["section"].queryset,
            "emergency": emergency_of(campaign),
        },
        status=status,
    )


def _after_change(user, campaign: Campaign):
    if _staff_anywhere(user, campaign):
        return redirect("campaigns:turnout_list", pk=campaign.pk)
    return redirect("campaigns:turnout_mine")


def summary_page(request, pk: int):
    campaign = _engine_campaign(request.user, pk, "turnouts")
    return render(
        request,
        "campaigns/flood/summary.html",
        {"campaign": campaign, "s": summary(request.user, campaign), "now": timezone.now()},
    )


def is_engine_kind(campaign: Campaign) -> bool:
    return has_feature(campaign, "turnouts")
