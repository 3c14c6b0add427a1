"""Pages of the campaign engine (flood control first): the dashboard per level, the declared
emergency, teams, dike sections and shifts, tasks, turn-outs (the member's own in two taps on
the phone, and staff recording for their team), and the printable after-action summary."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
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
from wangge.campaigns.forms import error_text
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
    sections_of,
    summary,
    team_rosters,
    teams_of,
    turnout_for_user,
    turnout_list,
)
from wangge.campaigns.views import _admin_townships, _error
from wangge.core.errors import DomainError
from wangge.core.periods import PeriodError
from wangge.grids.models import Grid, Person
from wangge.imports.exporting import can_export
from wangge.party.models import Member, Organisation
from wangge.regions.models import Level, Region

_DAY = {"invalid": _lazy("Enter the day as YYYY-MM-DD."), "required": _lazy("Enter the day.")}
_PICK = _lazy("Choose one of the listed entries.")


def _pick(required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=None,
        required=required,
        error_messages={"invalid_choice": _PICK, "required": _PICK},
    )


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


# --- forms ---


class EmergencyForm(forms.Form):
    starts_on = forms.DateField(error_messages=_DAY)
    ends_on = forms.DateField(error_messages=_DAY)
    reason = forms.CharField(required=False, max_length=200)


class TeamForm(forms.Form):
    name = forms.CharField(required=False, max_length=60)
    kind = forms.ChoiceField(
        choices=TeamKind.choices, error_messages={"invalid_choice": _PICK, "required": _PICK}
    )
    home = _pick(True)
    serves = _pick(True)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home"].queryset = villages
        self.fields["serves"].queryset = villages
        self.fields["home"].to_field_name = self.fields["serves"].to_field_name = "code"


class WorkerForm(forms.Form):
    member = _pick()
    person = _pick()

    def __init__(self, *args, members, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["person"].queryset = persons


class TeamMemberForm(WorkerForm):
    team = _pick(True)
    leader = forms.BooleanField(required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class SectionForm(forms.Form):
    name = forms.CharField(required=False, max_length=60)
    place = forms.CharField(required=False, max_length=200)
    organisation = _pick(True)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = branches


class ShiftForm(forms.Form):
    section = _pick(True)
    team = _pick(True)
    day = forms.DateField(error_messages=_DAY)
    shift = forms.ChoiceField(
        choices=Shift.choices, error_messages={"invalid_choice": _PICK, "required": _PICK}
    )

    def __init__(self, *args, sections, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["team"].queryset = teams


class TaskForm(WorkerForm):
    grid = _pick()
    text = forms.CharField(required=False, max_length=300)
    due_on = forms.DateField(error_messages=_DAY)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class TurnoutForm(WorkerForm):
    team = _pick()
    section = _pick()
    day = forms.DateField(error_messages=_DAY)
    hours = forms.CharField(required=False, max_length=6)
    task = forms.CharField(required=False, max_length=200)
    note = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, teams, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["section"].queryset = sections


class TurnoutCorrectForm(forms.Form):
    day = forms.DateField(error_messages=_DAY)
    hours = forms.CharField(required=False, max_length=6)
    section = _pick()
    version = forms.IntegerField(min_value=0, error_messages={"required": _PICK})

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections


class MyTurnoutForm(forms.Form):
    campaign = _pick(True)
    section = _pick()
    hours = forms.CharField(required=False, max_length=6)

    def __init__(self, *args, campaigns, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns
        self.fields["section"].queryset = sections


# --- the dashboard ---


def engine_detail(request, campaign: Campaign):
    """Township level: figures per village; ``?village=`` one village per team and section.
    Every figure opens the turn-outs (or incidents) behind it."""
    user = request.user
    village = request.GET.get("village", "")
    village = village if village.isdigit() and village.startswith(campaign.township_code) else ""
    # Any village of the campaign: the figures stay those of the reader's own scope (a
    # back-line secretary sees their people's turn-outs in the front-line village).
    board = dashboard(user, campaign, village=village)
    teams = list(teams_of(user, campaign))
    rosters = team_rosters(teams)
    for team in teams:
        team.roster = rosters.get(team.pk, [])
    staff = _staff_anywhere(user, campaign)
    sections = list(sections_of(user, campaign))
    context = {
        "campaign": campaign,
        "board": board,
        "emergency": emergency_of(campaign),
        "today": timezone.localdate(),
        "teams": teams,
        "sections": sections,
        "village_name": Region.objects.filter(code=village).values_list("name", flat=True).first(),
        "can_declare": campaign.township_code in _admin_townships(user),
        "staff": staff,
        "team_kinds": TeamKind.choices,
        "shifts": Shift.choices,
        "tasks": visible(CampaignTask.objects.filter(campaign=campaign), user).select_related(
            "grid", "member", "person"
        )[:50],
        "base_query": TurnoutFilters(campaign=str(campaign.pk), area_code=village).query(),
        "duty_shifts": DutyShift.objects.filter(section__in=[s.pk for s in sections])
        .filter(section__area_code__startswith=village)
        .select_related("section", "team")
        .order_by("-day", "section__name", "shift")[:20],
    }
    if staff:
        context |= {
            "villages": _villages(user, campaign),
            "members": member_choices(request, _members(user, campaign)),
            "persons": person_choices(request, _persons(user, campaign)),
            "member_q": search_text(request),
            "branches": _branches(user, campaign)[:200],
            "grids": visible(
                Grid.objects.filter(area_code__startswith=campaign.area_code), user
            ).order_by("area_code", "name")[:500],
        }
    return render(request, "campaigns/flood/detail.html", context)


def _back(campaign: Campaign):
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


def _run(request, action, success: str) -> bool:
    try:
        action()
    except (ValidationError, DomainError) as exc:
        _error(request, exc)
        return False
    messages.success(request, success)
    return True


def _submit(request, campaign: Campaign, form, action, success: str):
    """Validate ``form``; if it holds, run ``action(cleaned_data)`` and say ``success``; either
    way go back to the campaign's page, the form's or the service's plain error shown."""
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: action(form.cleaned_data), success)
    return _back(campaign)


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
        grids=visible(Grid.objects.filter(area_code__startswith=campaign.area_code), user),
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
            messages.error(request, error_text(form))
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
                return redirect("campaigns:turnout_new", pk=campaign.pk)
            else:
                status = 400
    return render(
        request,
        "campaigns/flood/turnout_form.html",
        {
            "campaign": campaign,
            "form": form,
            "teams": teams,
            "sections": sections,
            "members": member_choices(request, members, keep=form["member"].value()),
            "persons": person_choices(request, persons, keep=form["person"].value()),
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
            messages.error(request, error_text(form))
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
        if request.POST.get("withdraw"):
            if _run(
                request,
                lambda: turnout_withdraw(
                    actor=user,
                    turnout=turnout,
                    expected_version=_int(request.POST.get("version")),
                ),
                _("Turn-out withdrawn."),
            ):
                return _after_change(user, campaign)
            status = 409
        elif not form.is_valid():
            messages.error(request, error_text(form))
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


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


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
