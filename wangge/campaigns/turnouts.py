"""Reads of the campaign engine, always given the user and scoped: turn-outs (staff see those
worked in or by people from their area; a member sees their own), the dashboard per level
(township: per village; village: per team and per section) and the after-action summary."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import CharField, Count, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas, own_member, prefix_q, visible
from wangge.campaigns.models import (
    Campaign,
    DikeSection,
    DutyLog,
    DutyLogKind,
    Emergency,
    Team,
    TeamMember,
    Turnout,
)
from wangge.campaigns.selectors import _ancestors, campaign_list
from wangge.campaigns.services import CAMPAIGN_STAFF
from wangge.core.periods import ledger_scope, parse_period
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region

# Who reads named turn-outs of an area: campaign staff and the township's leaders.
TURNOUT_READERS = CAMPAIGN_STAFF | {Role.TOWNSHIP_LEADER, Role.GROUP_LEADER}


@dataclass
class TurnoutFilters:
    """The turn-out list's filters; also the ledger export's (``area_code``, ``period``)."""

    campaign: str = ""
    area_code: str = ""  # where the work was (a village)
    home: str = ""  # the workers' own village
    team: str = ""
    section: str = ""
    who: str = ""  # member | person
    day: str = ""
    period: str = ""

    @classmethod
    def from_params(cls, params) -> "TurnoutFilters":
        area_code, period = ledger_scope(params)

        def digits(key: str) -> str:
            value = (params.get(key) or "").strip()
            return value if value.isdigit() and len(value) <= 18 else ""

        who = params.get("who") or ""
        day = (params.get("day") or "").strip()
        try:
            datetime.date.fromisoformat(day)
        except ValueError:
            day = ""
        return cls(
            campaign=digits("campaign"),
            area_code=area_code,
            home=digits("home"),
            team=digits("team"),
            section=digits("section"),
            who=who if who in {"member", "person"} else "",
            day=day,
            period=period.key if period else "",
        )

    def query(self, **changes) -> str:
        values = {**vars(self), **changes}
        return urlencode({k: v for k, v in values.items() if v})


def _reader_q(user) -> Q:
    q = own_member(user, "member_id")
    for prefix in area_prefixes(user, TURNOUT_READERS):
        q |= prefix_q("area_code", prefix) | prefix_q("home_code", prefix)
    return q


def turnouts_for(user) -> QuerySet:
    """Turn-outs of campaigns the user sees, worked in or by people of the user's area."""
    return Turnout.objects.filter(campaign__in=campaign_list(user)).filter(_reader_q(user))


def turnout_for_user(user, pk: int, *, campaign: Campaign | None = None) -> Turnout:
    """A turn-out the user reads (or recorded); the same 404 for any other."""
    qs = Turnout.objects.filter(campaign__in=campaign_list(user)).filter(
        _reader_q(user) | Q(created_by_id=user.pk)
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    turnout = (
        qs.filter(pk=pk)
        .select_related("campaign", "member", "person", "team__serves", "section", "area")
        .first()
    )
    if turnout is None:
        raise Http404
    return turnout


def turnout_list(user, filters: TurnoutFilters) -> QuerySet:
    qs = turnouts_for(user)
    if filters.campaign:
        qs = qs.filter(campaign_id=int(filters.campaign))
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    if filters.home:
        qs = qs.filter(prefix_q("home_code", filters.home))
    if filters.team:
        qs = qs.filter(team_id=int(filters.team))
    if filters.section:
        qs = qs.filter(section_id=int(filters.section))
    if filters.who == "member":
        qs = qs.filter(member__isnull=False)
    elif filters.who == "person":
        qs = qs.filter(person__isnull=False)
    if filters.day:
        qs = qs.filter(day=filters.day)
    if filters.period:
        period = parse_period(filters.period)
        qs = qs.filter(day__gte=period.start, day__lt=period.end)
    return qs.select_related("member", "person", "team", "section", "campaign", "area").order_by(
        "-day", "area_code", "id"
    )


def _worker_figures(n: int, members: int, persons: int, hours) -> dict:
    workers = members + persons
    return {
        "turnouts": n,
        "workers": workers,
        "member_workers": members,
        "person_workers": persons,
        "member_share": round(100 * members / workers) if workers else 0,
        "hours": hours or 0,
    }


def _figures(turnouts: QuerySet) -> dict:
    row = turnouts.aggregate(
        n=Count("id"),
        members=Count("member_id", distinct=True),
        persons=Count("person_id", distinct=True),
        hours=Sum("hours"),
    )
    return _worker_figures(row["n"], row["members"], row["persons"], row["hours"])


def _grouped(turnouts: QuerySet, field: str) -> dict:
    rows = (
        turnouts.values(field)
        .annotate(
            n=Count("id"),
            members=Count("member_id", distinct=True),
            persons=Count("person_id", distinct=True),
            hours=Sum("hours"),
        )
        .order_by()
    )
    return {
        row[field]: _worker_figures(row["n"], row["members"], row["persons"], row["hours"])
        for row in rows
    }


def incidents_of(user, campaign: Campaign) -> QuerySet:
    return visible(
        DutyLog.objects.filter(campaign=campaign, kind=DutyLogKind.INCIDENT), user
    ).select_related("area", "member")


# The parts of the dashboard's one statement.
_TOTAL, _INCIDENTS, _VILLAGE, _TEAM, _SECTION = "total", "incidents", "village", "team", "section"


def _part(queryset: QuerySet, part: str, key, **figures) -> QuerySet:
    """One part of the dashboard's ``UNION ALL``: (part, key, turn-outs, members, persons,
    hours) grouped by ``key`` (a constant for the whole)."""
    zero = Value(0)
    figures = {"n": zero, "members": zero, "persons": zero, "hours": zero} | figures
    return (
        queryset.annotate(part=Value(part, output_field=CharField()), key=key)
        .values("part", "key")
        .annotate(**figures)
        .values_list("part", "key", "n", "members", "persons", "hours")
        .order_by()
    )


def dashboard(user, campaign: Campaign, *, village: str = "") -> dict:
    """The figures of the campaign in the user's scope (or one village of it): turn-outs,
    distinct workers, the share of Party members among them, incidents; per village, or for
    one village per team and per section. ``campaign`` is one the user sees
    (``campaign_for_user``).

    One statement after the roles: the whole, the incidents and the rows (per village, or per
    team and per section) in one ``UNION ALL``; then the rows' names (villages, or teams and
    sections)."""
    turnouts = Turnout.objects.filter(campaign=campaign).filter(_reader_q(user))
    incidents = DutyLog.objects.filter(campaign=campaign, kind=DutyLogKind.INCIDENT)
    incidents = in_areas(incidents, area_prefixes(user))
    if village:
        turnouts = turnouts.filter(prefix_q("area_code", village))
        incidents = incidents.filter(prefix_q("area_code", village))
    worked = {
        "n": Count("id"),
        "members": Count("member_id", distinct=True),
        "persons": Count("person_id", distinct=True),
        "hours": Sum("hours"),
    }
    if village:
        whole, rows = (
            Value(0),
            [
                _part(turnouts, _TEAM, F("team_id"), **worked),
                _part(turnouts, _SECTION, F("section_id"), **worked),
            ],
        )
    else:
        whole = Value("", output_field=CharField())
        rows = [_part(turnouts, _VILLAGE, Substr("area_code", 1, VILLAGE_LENGTH), **worked)]
    parts: dict[str, dict] = {_TOTAL: {}, _INCIDENTS: {}, _VILLAGE: {}, _TEAM: {}, _SECTION: {}}
    statement = _part(turnouts, _TOTAL, whole, **worked).union(
        _part(incidents, _INCIDENTS, whole, n=Count("id")), *rows, all=True
    )
    for part, key, n, members, persons, hours in statement:
        parts[part][key] = _worker_figures(n, members, persons, hours)
    figures = parts[_TOTAL].get(whole.value) or _worker_figures(0, 0, 0, 0)
    incidents_n = parts[_INCIDENTS].get(whole.value, {}).get("turnouts", 0)
    figures |= {"incidents": incidents_n}
    out = {"figures": figures, "village": village, "villages": [], "teams": [], "sections": []}
    if not village:
        by_village = parts[_VILLAGE]
        names = dict(Region.objects.filter(code__in=by_village).values_list("code", "name"))
        out["villages"] = [
            {**row, "code": code, "name": names.get(code, code)}
            for code, row in sorted(by_village.items())
        ]
    else:
        by_team = parts[_TEAM]
        teams = {t.pk: t for t in Team.objects.filter(pk__in=[k for k in by_team if k])}
        out["teams"] = [
            {**row, "id": pk, "team": teams.get(pk)}
            for pk, row in sorted(by_team.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ]
        by_section = parts[_SECTION]
        sections = {
            s.pk: s for s in DikeSection.objects.filter(pk__in=[k for k in by_section if k])
        }
        out["sections"] = [
            {**row, "id": pk, "section": sections.get(pk)}
            for pk, row in sorted(by_section.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ]
    return out


def _teams_q(user) -> Q:
    q = Q(pk__in=[])
    for prefix in area_prefixes(user):
        q |= prefix_q("area_code", prefix) | prefix_q("serves__code", prefix)
        q |= Q(area_code__in=_ancestors(prefix))
    return q


def teams_of(user, campaign: Campaign, *, village: str = "") -> QuerySet:
    """The campaign's teams formed in or serving the user's area (and, given ``village``,
    formed in or serving that village)."""
    teams = Team.objects.filter(campaign=campaign).filter(_teams_q(user))
    if village:
        teams = teams.filter(prefix_q("area_code", village) | Q(serves_id=village))
    return (
        teams.select_related("area", "serves")
        .annotate(size=Count("members"))
        .order_by("area_code", "name")
    )


def team_rosters(teams) -> dict[int, list[TeamMember]]:
    rows: dict[int, list[TeamMember]] = {}
    for entry in TeamMember.objects.filter(team__in=teams).select_related("member", "person"):
        rows.setdefault(entry.team_id, []).append(entry)
    return rows


def sections_of(user, campaign: Campaign, *, village: str = "") -> QuerySet:
    sections = visible(DikeSection.objects.filter(campaign=campaign), user)
    if village:
        sections = sections.filter(prefix_q("area_code", village))
    return sections.select_related("area", "organisation")


def scope_villages(user, campaign: Campaign) -> list[str]:
    """The villages of the campaign in the user's scope, at most two: is there more than one?
    (Over more than one the campaign's page shows a row per village, not every team.)"""
    codes: set[str] = set()
    for prefix in area_prefixes(user):
        if len(prefix) >= VILLAGE_LENGTH:
            if prefix.startswith(campaign.area_code[:VILLAGE_LENGTH]):
                codes.add(prefix[:VILLAGE_LENGTH])
            continue
        inside = max(prefix, campaign.area_code, key=len)
        if not inside.startswith(min(prefix, campaign.area_code, key=len)):
            continue
        if len(inside) >= VILLAGE_LENGTH:
            codes.add(inside[:VILLAGE_LENGTH])
        else:
            codes.update(
                Region.objects.filter(level=Level.VILLAGE, code__startswith=inside)
                .order_by("code")
                .values_list("code", flat=True)[:2]
            )
        if len(codes) > 1:
            break
    return sorted(codes)[:2]


def village_rows(user, campaign: Campaign, by_village: list[dict]) -> list[dict]:
    """A row per village of the campaign for the page above one village (every one in the
    user's scope, and any other with work or a team there): the dashboard's figures of the
    work done there (``by_village``, from ``dashboard``), the teams formed in or serving it
    and the dike sections in it. Sections counted in the database; teams read as pairs of
    codes (a county's 400 rows), never as objects."""
    figures = {row["code"]: row for row in by_village}
    teams: dict[str, int] = {}
    pairs = Team.objects.filter(campaign=campaign).filter(_teams_q(user))
    for home, serves in pairs.values_list("area_code", "serves_id").order_by():
        for code in {home[:VILLAGE_LENGTH], serves}:
            teams[code] = teams.get(code, 0) + 1
    sections = dict(
        visible(DikeSection.objects.filter(campaign=campaign), user)
        .annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values("village")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("village", "n")
    )
    # Every village of the campaign in the user's scope has a row (a fresh campaign's first
    # team is formed from a village's view), and any other village with work or a team.
    scoped = Q(code__in=[])
    for prefix in area_prefixes(user):
        scoped |= prefix_q("code", prefix) | Q(code=prefix[:VILLAGE_LENGTH])
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=campaign.area_code)
    names = dict(villages.filter(scoped).values_list("code", "name"))
    others = (set(figures) | set(teams) | set(sections)) - set(names)
    names |= dict(Region.objects.filter(code__in=others).values_list("code", "name"))
    codes = sorted(set(names) | others)
    empty = _worker_figures(0, 0, 0, 0)
    return [
        {
            **(figures.get(code) or empty),
            "code": code,
            "name": names.get(code, code),
            "teams": teams.get(code, 0),
            "sections": sections.get(code, 0),
        }
        for code in codes
    ]


def emergency_campaigns_for(user, day: datetime.date) -> QuerySet:
    """Campaigns with an emergency declared over the member's area covering ``day`` (the
    phone's "I am on duty" card and page)."""
    member = getattr(user, "member", None)
    if member is None:
        return Campaign.objects.none()
    running = Emergency.objects.filter(starts_on__lte=day, ends_on__gte=day)
    return campaign_list(user).filter(
        pk__in=running.values("campaign_id"),
        area_code__in=[*_ancestors(member.area_code), member.area_code],
    )


def summary(user, campaign: Campaign) -> dict:
    """The after-action summary, generated from the record: figures, per village, teams,
    sections, incidents."""
    board = dashboard(user, campaign)
    turnouts = turnout_list(user, TurnoutFilters(campaign=str(campaign.pk)))
    days = turnouts.aggregate(first=Min("day"), last=Max("day"))
    teams = list(teams_of(user, campaign))
    per_team = _grouped(turnouts, "team_id")
    return {
        **board,
        "first_day": days["first"],
        "last_day": days["last"],
        "days": turnouts.values("day").distinct().count(),
        "teams": [(team, per_team.get(team.pk, {})) for team in teams],
        "sections": list(sections_of(user, campaign)),
        "incidents": list(incidents_of(user, campaign).order_by("day", "id")),
        "emergency": Emergency.objects.filter(campaign=campaign)
        .select_related("declared_by")
        .first(),
        "title": _("After-action summary"),
    }
