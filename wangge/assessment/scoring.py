"""The indicators of the scoring scheme, as a registry of functions over the service record.

Each indicator has a key, a label, and two functions:

* ``compute(ctx)`` → ``{member_id: Value}`` for every grid worker of a township in a period,
  in a few queries whatever the number of members (a month of a county is one call each);
* ``records(member, period)`` → the rows behind one member's value (the drill-down).

A value is a share in [0, 1] (``None``: nothing to judge this period, which counts in full).
Adding an indicator is one decorated function here or in another module of this app (the
campaigns' records are read through ``wangge.campaigns.outcomes``)::

    @indicator("campaign_turnouts", gettext_lazy("…"), records=_turnout_rows)
    def campaign_turnouts(ctx): ...

Entered indicators (the inspectors' four methods) read ``InspectorEntry`` marks (0–100).
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.appeals.metrics import Slice, figure_rows, rates_by
from wangge.assessment.models import InspectorEntry
from wangge.campaigns import outcomes
from wangge.campaigns.models import DUTY_KINDS, Accountability, Campaign, DutyLog, DutyLogKind
from wangge.campaigns.models import PledgeAck as _PledgeAck
from wangge.core.periods import Period
from wangge.grids.models import GridMember
from wangge.households.models import Household
from wangge.pairing.models import Pairing
from wangge.regions.codes import HAMLET_LENGTH, VILLAGE_LENGTH
from wangge.visits.models import FALLBACK_INTERVAL_DAYS, Visit, VisitPolicy
from wangge.visits.selectors import pairings_with_last_visit


@dataclass(frozen=True)
class Value:
    value: float | None  # a share in [0, 1]; None: nothing to judge (counts in full)
    num: int | None = None
    den: int | None = None


@dataclass(frozen=True)
class Row:
    """One record behind an indicator, for the drill-down page and the API."""

    day: datetime.date | None
    text: str
    status: str = ""
    ok: bool | None = None
    link: str = ""


@dataclass
class Context:
    """What one township-period computation shares: the grid workers and a cache."""

    township_code: str
    period: Period
    members: set[int]
    cache: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorDef:
    key: str
    label: object  # a lazy string
    compute: Callable[[Context], dict[int, Value]]
    records: Callable[[object, Period], list[Row]]
    entered: bool = False
    negative: bool = False


REGISTRY: dict[str, IndicatorDef] = {}


def indicator(key: str, label, *, records, entered: bool = False, negative: bool = False):
    """Register an indicator function under ``key`` (a key registered twice is a bug)."""

    def wrap(func):
        if key in REGISTRY:
            raise RuntimeError(f"indicator {key!r} is registered twice")
        REGISTRY[key] = IndicatorDef(key, label, func, records, entered, negative)
        return func

    return wrap


def label_of(key: str) -> str:
    found = REGISTRY.get(key)
    return str(found.label) if found else key


def points(weight: int, value: Value) -> float:
    share = 1.0 if value.value is None else max(0.0, min(1.0, value.value))
    return weight * share


# ---------------------------------------------------------------- visits on time


def _paired(township_code: str, members, period: Period) -> list[tuple]:
    """(member, household, since) of the pairings standing on the period's last day."""
    last = period.last_day
    qs = (
        Pairing.objects.filter(township_code=township_code, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=last))
        .values_list("member_id", "household_id", "started_on")
    )
    members = set(members)
    if len(members) <= 100:  # one member's drill-down; a whole township is filtered here
        return list(qs.filter(member_id__in=members))
    return [row for row in qs if row[0] in members]


def _due_facts(township_code: str, household_ids, period: Period):
    """Last visit before the period's end and the visit interval of each household (the
    visits app's due logic: the shortest interval among its tags' policies, else the
    township default)."""
    last = dict(
        Visit.objects.filter(household_id__in=household_ids, visited_on__lt=period.end)
        .order_by()
        .values("household_id")
        .annotate(last=Max("visited_on"))
        .values_list("household_id", "last")
    )
    policies = VisitPolicy.objects.filter(township_code=township_code)
    by_tag = {p.tag_id: p.interval_days for p in policies if p.tag_id is not None}
    default = next((p.interval_days for p in policies if p.tag_id is None), FALLBACK_INTERVAL_DAYS)
    interval: dict[int, int] = {}
    links = Household.tags.through.objects.filter(household_id__in=household_ids)
    for household_id, tag_id in links.values_list("household_id", "tag_id"):
        if tag_id in by_tag:
            interval[household_id] = min(interval.get(household_id, 10**6), by_tag[tag_id])
    return last, interval, default


def _on_time(last, since, days: int, period: Period) -> bool:
    """Not overdue on the period's last day (the visits app's ``_overdue_q``)."""
    today = period.last_day
    if last is None:
        return since >= today
    return last >= today - datetime.timedelta(days=days)


def _visit_rows(member, period: Period) -> list[Row]:
    """The member's pairings standing at the period's end, each with its household, last
    visit before the end and interval, in one query (the drill-down page)."""
    rows = []
    for head_name, address, since, seen, days in pairings_with_last_visit(
        member, standing_on=period.last_day, before=period.end
    ):
        ok = _on_time(seen, since, days, period)
        status = (
            _("last visit %(day)s, every %(n)d days") % {"day": seen, "n": days}
            if seen
            else _("not visited yet, paired since %(day)s") % {"day": since}
        )
        rows.append(Row(seen, f"{head_name} · {address}", status, ok))
    return sorted(rows, key=lambda r: (r.ok is not False, r.text))


@indicator("visits_on_time", gettext_lazy("Paired households visited on time"), records=_visit_rows)
def visits_on_time(ctx: Context) -> dict[int, Value]:
    pairs = list(_paired(ctx.township_code, ctx.members, ctx.period))
    last, interval, default = _due_facts(ctx.township_code, [h for _m, h, _s in pairs], ctx.period)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for member_id, household_id, since in pairs:
        row = counts[member_id]
        row[1] += 1
        row[0] += _on_time(
            last.get(household_id), since, interval.get(household_id, default), ctx.period
        )
    return {m: Value(ok / n if n else None, ok, n) for m, (ok, n) in counts.items()}


# ---------------------------------------------------------------- requests' three rates


def _rates(ctx: Context) -> dict:
    if "rates" not in ctx.cache:
        where = Slice(prefixes=[ctx.township_code])
        ctx.cache["rates"] = rates_by(ctx.period, where, by="member")
    return ctx.cache["rates"]


def _request_rows(figure: str, good: str):
    def rows(member, period: Period) -> list[Row]:
        where = Slice(prefixes=[member.township_code], member=member.pk)
        good_ids = set(figure_rows(good, period, where).values_list("id", flat=True))
        out = []
        for event in figure_rows(figure, period, where).select_related("appeal")[:500]:
            ok = event.pk in good_ids
            out.append(
                Row(
                    event.at.date(),
                    event.appeal.ticket,
                    _("counts") if ok else _("does not count"),
                    ok,
                    reverse("appeals:detail", args=[event.appeal_id]),
                )
            )
        return out

    return rows


@indicator(
    "requests_response",
    gettext_lazy("Requests accepted within the time limit"),
    records=_request_rows("routed", "responded"),
)
def requests_response(ctx: Context) -> dict[int, Value]:
    return {
        m: Value(r.response_rate, r.responded, r.routed)
        for m, r in _rates(ctx).items()
        if m in ctx.members
    }


@indicator(
    "requests_resolution",
    gettext_lazy("Requests resolved (rated solved)"),
    records=_request_rows("rated", "rated_solved"),
)
def requests_resolution(ctx: Context) -> dict[int, Value]:
    return {
        m: Value(r.resolution_rate, r.rated_solved, r.rated)
        for m, r in _rates(ctx).items()
        if m in ctx.members
    }


@indicator(
    "requests_satisfaction",
    gettext_lazy("Residents satisfied with their requests"),
    records=_request_rows("ratings", "ratings_solved"),
)
def requests_satisfaction(ctx: Context) -> dict[int, Value]:
    return {
        m: Value(r.satisfaction_rate, r.ratings_solved, r.ratings)
        for m, r in _rates(ctx).items()
        if m in ctx.members
    }


# ---------------------------------------------------------------- duty campaigns


def _duty_campaigns(township_code: str, period: Period) -> list[Campaign]:
    return list(
        Campaign.objects.filter(
            township_code=township_code,
            kind__in=DUTY_KINDS,
            starts_on__lt=period.end,
            ends_on__gte=period.start,
        ).order_by("starts_on", "id")
    )


def _memberships(township_code: str, cache=None) -> list[tuple[int, str]]:
    """(member, grid area) of every grid place in the township, read once per computation."""
    key = ("memberships", township_code)
    rows = cache.get(key) if cache is not None else None
    if rows is None:
        rows = list(
            GridMember.objects.filter(grid__township_code=township_code).values_list(
                "member_id", "grid__area_code"
            )
        )
        if cache is not None:
            cache[key] = rows
    return rows


def _campaign_members(township_code: str, campaigns, members, cache=None) -> dict[int, set]:
    """Campaign id → the grid workers its letter asks (everyone serving on a grid in its area).
    The township's memberships are read once (filtered here: a long ``IN`` list of members is
    slower than the whole township's rows)."""
    rows = _memberships(township_code, cache)
    members = set(members)
    out: dict[int, set[int]] = {c.pk: set() for c in campaigns}
    for member_id, code in rows:
        if member_id not in members:
            continue
        for campaign in campaigns:
            if code.startswith(campaign.area_code):
                out[campaign.pk].add(member_id)
    return out


def _latest_pledges(campaigns) -> dict[int, object]:
    out = {}
    for campaign in campaigns:
        pledge = campaign.pledges.order_by("-version").first()
        if pledge is not None:
            out[campaign.pk] = pledge
    return out


def _pledge_rows(member, period: Period) -> list[Row]:
    campaigns = _duty_campaigns(member.township_code, period)
    asked = _campaign_members(member.township_code, campaigns, [member.pk])
    pledges = _latest_pledges(campaigns)
    rows = []
    for campaign in campaigns:
        pledge = pledges.get(campaign.pk)
        if pledge is None or member.pk not in asked[campaign.pk]:
            continue
        ack = _PledgeAck.objects.filter(pledge=pledge, member=member).first()
        text = f"{campaign.name} · v{pledge.version}"
        if ack:
            day = ack.acknowledged_at.date()
            rows.append(Row(day, text, _("acknowledged on %(day)s") % {"day": day}, True))
        else:
            rows.append(Row(None, text, _("not acknowledged"), False))
    return rows


@indicator(
    "duty_pledges", gettext_lazy("Responsibility letters acknowledged"), records=_pledge_rows
)
def duty_pledges(ctx: Context) -> dict[int, Value]:
    campaigns = _duty_campaigns(ctx.township_code, ctx.period)
    if not campaigns:
        return {}
    asked = _campaign_members(ctx.township_code, campaigns, ctx.members, ctx.cache)
    pledges = _latest_pledges(campaigns)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for campaign in campaigns:
        pledge = pledges.get(campaign.pk)
        if pledge is None:
            continue
        acked = set(_PledgeAck.objects.filter(pledge=pledge).values_list("member_id", flat=True))
        for member_id in asked[campaign.pk]:
            counts[member_id][1] += 1
            counts[member_id][0] += member_id in acked
    return {m: Value(ok / n, ok, n) for m, (ok, n) in counts.items()}


# Patrols a grid worker is expected to record per started week of a duty campaign.
PATROLS_PER_WEEK = 1


def _weeks_in(campaign: Campaign, period: Period) -> int:
    first = max(campaign.starts_on, period.start)
    last = min(campaign.ends_on, period.last_day)
    return max(0, math.ceil(((last - first).days + 1) / 7))


def _patrol_rows(member, period: Period) -> list[Row]:
    campaigns = _duty_campaigns(member.township_code, period)
    logs = DutyLog.objects.filter(
        member=member,
        kind=DutyLogKind.PATROL,
        campaign__in=campaigns,
        day__gte=period.start,
        day__lt=period.end,
    ).select_related("campaign")
    return [Row(log.day, f"{log.campaign.name} · {log.place}", log.text[:60], True) for log in logs]


@indicator("duty_patrols", gettext_lazy("Patrols during duty campaigns"), records=_patrol_rows)
def duty_patrols(ctx: Context) -> dict[int, Value]:
    campaigns = _duty_campaigns(ctx.township_code, ctx.period)
    if not campaigns:
        return {}
    asked = _campaign_members(ctx.township_code, campaigns, ctx.members, ctx.cache)
    expected: dict[int, int] = defaultdict(int)
    for campaign in campaigns:
        weeks = _weeks_in(campaign, ctx.period) * PATROLS_PER_WEEK
        for member_id in asked[campaign.pk]:
            expected[member_id] += weeks
    done = defaultdict(int)
    logs = DutyLog.objects.filter(
        campaign__in=campaigns,
        kind=DutyLogKind.PATROL,
        day__gte=ctx.period.start,
        day__lt=ctx.period.end,
    )
    for member_id in logs.values_list("member_id", flat=True):
        if member_id in ctx.members:
            done[member_id] += 1
    return {
        m: Value(min(1.0, done[m] / n) if n else None, min(done[m], n), n)
        for m, n in expected.items()
    }


# ---------------------------------------------------------------- accountability (negative)

# Each accountability record in the period takes this share of the indicator's weight.
ACCOUNTABILITY_SHARE = 0.5


def _accountability_q(period: Period) -> Q:
    """Records of failures in the period: the incident's day, else the day it was opened."""
    return Q(duty_log__day__gte=period.start, duty_log__day__lt=period.end) | Q(
        duty_log__isnull=True, created_at__gte=period.start_at, created_at__lt=period.end_at
    )


def _accountability_rows(member, period: Period) -> list[Row]:
    records = Accountability.objects.filter(_accountability_q(period), member=member)
    return [
        Row(
            r.duty_log.day if r.duty_log_id else r.created_at.date(),
            r.failure[:80],
            r.get_status_display(),
            False,
            reverse("campaigns:accountability_detail", args=[r.pk]),
        )
        for r in records.select_related("duty_log")
    ]


@indicator(
    "accountability",
    gettext_lazy("No accountability records"),
    records=_accountability_rows,
    negative=True,
)
def accountability(ctx: Context) -> dict[int, Value]:
    counts: dict[int, int] = defaultdict(int)
    records = Accountability.objects.filter(
        _accountability_q(ctx.period), township_code=ctx.township_code, member__isnull=False
    )
    for member_id in records.values_list("member_id", flat=True):
        if member_id in ctx.members:
            counts[member_id] += 1
    return {m: Value(max(0.0, 1 - ACCOUNTABILITY_SHARE * n), 0, n) for m, n in counts.items()}


# ---------------------------------------------------------------- campaign turn-outs


def _turnout_rows(member, period: Period) -> list[Row]:
    """Each day the member's team held a duty shift, with the member's turn-out that day."""
    township = member.township_code
    hours: dict[datetime.date, float] = defaultdict(float)
    for turnout in outcomes.member_turnouts(member.pk, township, period):
        hours[turnout.day] += float(turnout.hours)
    by_day: dict[datetime.date, list] = defaultdict(list)
    for shift in outcomes.member_shifts(member.pk, township, period):
        by_day[shift.day].append(shift)
    rows = []
    for day, shifts in sorted(by_day.items()):
        first = shifts[0]
        places = "、".join(dict.fromkeys(s.section.name for s in shifts))
        text = f"{first.team.campaign.name} · {first.team.name} · {places}"
        ok = day in hours
        status = (
            _("turned out, %(hours)s hours") % {"hours": f"{hours[day]:g}"}
            if ok
            else _("no turn-out recorded")
        )
        link = reverse("campaigns:turnout_list", args=[first.team.campaign_id])
        rows.append(Row(day, text, status, ok, link))
    return sorted(rows, key=lambda r: (r.ok is not False, r.day))


@indicator(
    "campaign_turnouts",
    gettext_lazy("Turned out on their team's duty days"),
    records=_turnout_rows,
)
def campaign_turnouts(ctx: Context) -> dict[int, Value]:
    expected = outcomes.shift_days(ctx.township_code, ctx.period)
    if not expected:
        return {}
    done = outcomes.turnout_days(ctx.township_code, ctx.period)
    out = {}
    for member_id, days in expected.items():
        if member_id in ctx.members:
            ok = len(days & done.get(member_id, set()))
            out[member_id] = Value(ok / len(days), ok, len(days))
    return out


# ---------------------------------------------------------------- responsibility letters kept


def _kept_rows(member, period: Period) -> list[Row]:
    township = member.township_code
    failures = outcomes.failures_of_duty(township, period, member_id=member.pk)
    rows = []
    for _m, campaign_id, name, at in outcomes.letters_signed(township, period, member_id=member.pk):
        records = failures.get((member.pk, campaign_id), [])
        day = timezone.localdate(at)
        if records:
            status = _("failures of duty recorded: %(n)d") % {"n": len(records)}
            link = reverse("campaigns:accountability_detail", args=[records[0].pk])
            rows.append(Row(day, name, status, False, link))
        else:
            rows.append(Row(day, name, _("kept: no failure of duty recorded"), True))
    return sorted(rows, key=lambda r: (r.ok is not False, r.day))


@indicator(
    "pledges_kept",
    gettext_lazy("Responsibility letters kept (no failure of duty)"),
    records=_kept_rows,
)
def pledges_kept(ctx: Context) -> dict[int, Value]:
    signed = outcomes.letters_signed(ctx.township_code, ctx.period)
    if not signed:
        return {}
    failures = outcomes.failures_of_duty(ctx.township_code, ctx.period)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for member_id, campaign_id, _name, _at in signed:
        if member_id in ctx.members:
            counts[member_id][1] += 1
            counts[member_id][0] += (member_id, campaign_id) not in failures
    return {m: Value(ok / n, ok, n) for m, (ok, n) in counts.items()}


# ---------------------------------------------------------------- environment inspections


def _served_inspections(codes, inspections) -> list:
    """The inspections of the hamlets a member's grids cover: the village's hamlets for a
    village grid, the hamlet itself for a hamlet's or a group's (township grids: none)."""
    out = []
    for inspection in inspections:
        hamlet = inspection.area_code
        for code in codes:
            if len(code) < VILLAGE_LENGTH:
                continue
            if hamlet.startswith(code) or code.startswith(hamlet):
                out.append(inspection)
                break
    return out


def _inspection_rows(member, period: Period) -> list[Row]:
    codes = set(GridMember.objects.filter(member=member).values_list("grid__area_code", flat=True))
    inspections = outcomes.inspections_in(member.township_code, period)
    return [
        Row(
            i.day,
            f"{i.area.name} · {i.council.name}",
            _("%(total)s of %(max)s points") % {"total": i.total, "max": i.max_total},
            None,
            reverse("campaigns:env_hamlet", args=[i.area_code]),
        )
        for i in _served_inspections(codes, inspections)
    ]


@indicator(
    "inspection_results",
    gettext_lazy("Environment inspections of the hamlets served"),
    records=_inspection_rows,
)
def inspection_results(ctx: Context) -> dict[int, Value]:
    inspections = outcomes.inspections_in(ctx.township_code, ctx.period)
    if not inspections:
        return {}
    by_hamlet: dict[str, list] = defaultdict(list)
    for inspection in inspections:
        by_hamlet[inspection.area_code].append(inspection)
    by_village: dict[str, list] = defaultdict(list)
    for hamlet, rows in by_hamlet.items():
        by_village[hamlet[:VILLAGE_LENGTH]].extend(rows)
    places: dict[int, set[str]] = defaultdict(set)
    for member_id, code in _memberships(ctx.township_code, ctx.cache):
        if member_id in ctx.members and len(code) >= VILLAGE_LENGTH:
            places[member_id].add(code)
    out = {}
    for member_id, codes in places.items():
        seen: dict[int, object] = {}
        for code in codes:
            found = (
                by_village[code] if len(code) == VILLAGE_LENGTH else by_hamlet[code[:HAMLET_LENGTH]]
            )
            seen.update((i.pk, i) for i in found)
        if seen:
            total = sum(i.total for i in seen.values())
            most = sum(i.max_total for i in seen.values())
            out[member_id] = Value(total / most if most else None, total, most)
    return out


# ---------------------------------------------------------------- entered by inspectors


def _entered(key: str, label):
    def rows(member, period: Period) -> list[Row]:
        entries = InspectorEntry.objects.filter(member=member, period_key=period.key, key=key)
        return [
            Row(e.entered_at.date(), e.note, _("mark %(mark)d of 100") % {"mark": e.mark}, None)
            for e in entries
        ]

    def compute(ctx: Context) -> dict[int, Value]:
        marks = InspectorEntry.objects.filter(
            township_code=ctx.township_code, period_key=ctx.period.key, key=key
        ).values_list("member_id", "mark")
        return {m: Value(mark / 100, mark, 100) for m, mark in marks if m in ctx.members}

    indicator(key, label, records=rows, entered=True)(compute)


_entered("hearing", gettext_lazy("Hearing reports (听汇报)"))
_entered("results", gettext_lazy("Checking results (看实绩)"))
_entered("responsibility", gettext_lazy("Judging responsibility (评责任)"))
_entered("ledgers", gettext_lazy("Checking ledgers (查台账)"))

ENTERED = [key for key, d in REGISTRY.items() if d.entered]

# The scheme a township starts with (the weights sum to 100).
DEFAULT_WEIGHTS = {
    "visits_on_time": 30,
    "requests_response": 10,
    "requests_resolution": 10,
    "requests_satisfaction": 10,
    "duty_pledges": 5,
    "duty_patrols": 5,
    "accountability": 10,
    "hearing": 5,
    "results": 5,
    "responsibility": 5,
    "ledgers": 5,
}
