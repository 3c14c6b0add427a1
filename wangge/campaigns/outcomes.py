"""What members did in campaigns over a period, for the layers above (the assessment's scores
and their drill-down): turn-outs on their team's duty shifts, responsibility letters signed and
whether they were kept, and the environment inspections of the hamlets they serve.

Whole-township reads take no member list (a long ``IN`` list is slower than the township's
rows; the caller keeps the members it wants); one member's reads take ``member_id``.
"""

import datetime
from collections import defaultdict

from django.db.models import F, Q

from wangge.campaigns.models import (
    DUTY_KINDS,
    Accountability,
    DutyShift,
    Inspection,
    PledgeAck,
    TeamMember,
    Turnout,
)
from wangge.core.periods import Period


def _shifts(township_code: str, period: Period):
    """Duty shifts of the period on days of their campaign's declared emergency (the only days
    a turn-out can be taken)."""
    return (
        DutyShift.objects.filter(
            section__township_code=township_code, day__gte=period.start, day__lt=period.end
        )
        .filter(
            day__gte=F("team__campaign__emergency__starts_on"),
            day__lte=F("team__campaign__emergency__ends_on"),
        )
        .order_by()
    )


def shift_days(
    township_code: str, period: Period, *, member_id: int | None = None
) -> dict[int, set[datetime.date]]:
    """Member → the days of the period on which their team held a duty shift."""
    by_team: dict[int, set[datetime.date]] = defaultdict(set)
    for team_id, day in _shifts(township_code, period).values_list("team_id", "day").distinct():
        by_team[team_id].add(day)
    if not by_team:
        return {}
    roster = TeamMember.objects.filter(team_id__in=list(by_team), member__isnull=False)
    if member_id is not None:
        roster = roster.filter(member_id=member_id)
    out: dict[int, set[datetime.date]] = defaultdict(set)
    for team_id, member in roster.values_list("team_id", "member_id"):
        out[member] |= by_team[team_id]
    return dict(out)


def turnout_days(
    township_code: str, period: Period, *, member_id: int | None = None
) -> dict[int, set[datetime.date]]:
    """Member → the days of the period on which they turned out (any section, any team)."""
    rows = Turnout.objects.filter(
        township_code=township_code,
        member__isnull=False,
        day__gte=period.start,
        day__lt=period.end,
    )
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    out: dict[int, set[datetime.date]] = defaultdict(set)
    for member, day in rows.order_by().values_list("member_id", "day").distinct():
        out[member].add(day)
    return dict(out)


def member_shifts(member_id: int, township_code: str, period: Period) -> list[DutyShift]:
    """One member's team shifts of the period (the drill-down), with campaign, team, section."""
    teams = TeamMember.objects.filter(member_id=member_id).values("team_id")
    return list(
        _shifts(township_code, period)
        .filter(team_id__in=teams)
        .select_related("team__campaign", "section")
        .order_by("day", "shift", "section__name")
    )


def member_turnouts(member_id: int, township_code: str, period: Period) -> list[Turnout]:
    return list(
        Turnout.objects.filter(
            member_id=member_id,
            township_code=township_code,
            day__gte=period.start,
            day__lt=period.end,
        ).order_by("day", "id")
    )


# --- responsibility letters kept -----------------------------------------------------------


def failure_q(period: Period) -> Q:
    """Accountability records of failures in the period: the incident's day, else the day the
    record was opened."""
    return Q(duty_log__day__gte=period.start, duty_log__day__lt=period.end) | Q(
        duty_log__isnull=True, created_at__gte=period.start_at, created_at__lt=period.end_at
    )


def letters_signed(
    township_code: str, period: Period, *, member_id: int | None = None
) -> list[tuple[int, int, str, datetime.datetime]]:
    """(member, campaign, campaign name, first acknowledged) of every responsibility letter a
    member signed for a duty campaign running in the period (one row per member and campaign,
    whatever the versions signed)."""
    acks = PledgeAck.objects.filter(
        pledge__campaign__township_code=township_code,
        pledge__campaign__kind__in=DUTY_KINDS,
        pledge__campaign__starts_on__lt=period.end,
        pledge__campaign__ends_on__gte=period.start,
        acknowledged_at__lt=period.end_at,
    )
    if member_id is not None:
        acks = acks.filter(member_id=member_id)
    first: dict[tuple[int, int], tuple[str, datetime.datetime]] = {}
    rows = acks.order_by("acknowledged_at").values_list(
        "member_id", "pledge__campaign_id", "pledge__campaign__name", "acknowledged_at"
    )
    for member, campaign, name, at in rows:
        first.setdefault((member, campaign), (name, at))
    return [(m, c, name, at) for (m, c), (name, at) in first.items()]


def failures_of_duty(
    township_code: str, period: Period, *, member_id: int | None = None
) -> dict[tuple[int, int], list[Accountability]]:
    """(member, campaign) → the accountability records of the period against the member."""
    records = Accountability.objects.filter(
        failure_q(period), township_code=township_code, member__isnull=False
    ).select_related("duty_log")
    if member_id is not None:
        records = records.filter(member_id=member_id)
    out: dict[tuple[int, int], list[Accountability]] = defaultdict(list)
    for record in records.order_by("created_at", "id"):
        out[(record.member_id, record.campaign_id)].append(record)
    return dict(out)


# --- environment inspections ---------------------------------------------------------------


def inspections_in(township_code: str, period: Period) -> list[Inspection]:
    """The township's environment inspections of the period, with the hamlet and the council
    (a few hundred a year: the caller matches them to places)."""
    rows = Inspection.objects.filter(
        township_code=township_code, day__gte=period.start, day__lt=period.end
    )
    return list(rows.select_related("area", "council").order_by("day", "id"))
