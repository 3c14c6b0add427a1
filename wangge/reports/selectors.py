"""The quarterly bulletin (季度通报), the half-year evaluation (半年考评) and the annual report
(年度报告), generated from the record with the same sections: every figure comes from a selector
or stats provider of the app that owns it (no figure is typed by hand), for one area (a township
or a village) in the user's scope and one period.

Figures that are states (members, coverage, pairing, visits on time) are read as of the period's
last day, or today while the period runs; figures that are events (visits made, requests
routed and their three rates, flags raised, plans closed) count what happened in the period.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas
from wangge.appeals.metrics import Rates, metrics_for_area
from wangge.assistance.selectors import plans_in_period
from wangge.core.periods import Period, PeriodError
from wangge.core.reporting import ReportSection, section_providers
from wangge.dashboard.selectors import township_stats
from wangge.flags.models import FlagStatus
from wangge.flags.selectors import flags_in_period, township_figures
from wangge.grids.selectors import coverage, layers
from wangge.pairing.selectors import village_summary
from wangge.regions.models import Level, Region
from wangge.reports.models import GeneratedReport, ReportKind
from wangge.visits.models import VisitKind
from wangge.visits.selectors import overdue_rollup, visits_in_period

# The township office and the village secretary file the bulletin.
BULLETIN_ROLES = {Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER, Role.VILLAGE_SECRETARY}
SERVICE_LAYER = "service"


def can_generate(user) -> bool:
    return bool(area_prefixes(user, BULLETIN_ROLES))


def bulletin_areas(user) -> QuerySet:
    """The townships and villages the user may generate a bulletin for."""
    return in_areas(
        Region.objects.filter(level__in=[Level.TOWNSHIP, Level.VILLAGE]),
        area_prefixes(user, BULLETIN_ROLES),
        field="code",
    ).order_by("code")


def bulletin_area(user, code: str) -> Region:
    """The area ``code`` names if the user may report on it; 404 otherwise (as if absent)."""
    area = bulletin_areas(user).filter(code=(code or "").strip()).first()
    if area is None:
        raise Http404
    return area


Section = ReportSection

# The kind of period each report covers; the quarterly bulletin may also cover a month.
PERIOD_KINDS = {
    ReportKind.BULLETIN: {"quarter", "month"},
    ReportKind.HALF: {"half"},
    ReportKind.ANNUAL: {"year"},
}


def check_period(kind: str, period: Period) -> Period:
    """``period`` if it is one the report ``kind`` covers; ``PeriodError`` otherwise."""
    if period.kind not in PERIOD_KINDS.get(kind, set()):
        raise PeriodError(
            {
                ReportKind.BULLETIN: _("The bulletin covers a quarter (2021-Q4) or a month."),
                ReportKind.HALF: _("The half-year evaluation covers a half-year (2021-H2)."),
                ReportKind.ANNUAL: _("The annual report covers a year (2021)."),
            }.get(kind, _("Choose a quarterly bulletin, half-year evaluation or annual report."))
        )
    return period


@dataclass
class Bulletin:
    area: Region
    period: Period
    as_of: datetime.date
    generated_at: datetime.datetime
    sections: list[Section]
    kind: str = ReportKind.BULLETIN

    @property
    def title(self) -> str:
        names = {"area": self.area.name, "period": self.period.label()}
        if self.kind == ReportKind.HALF:
            return _("%(area)s half-year evaluation of grid service, %(period)s") % names
        if self.kind == ReportKind.ANNUAL:
            return _("%(area)s annual report on grid service, %(period)s") % names
        return _("%(area)s bulletin on grid service, %(period)s") % names

    def figure(self, label: str) -> str:
        """A line's value by its label (for tests and checks)."""
        for section in self.sections:
            for name, value in section.lines:
                if name == label:
                    return value
        raise KeyError(label)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _part(part: int, whole: int) -> str:
    """A count and its share of a whole: "12（34.3%）"."""
    return f"{part}（{_percent(part, whole)}）"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}"


def _village_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _members(user, area: Region, stats: dict) -> Section:
    section = Section(_("Members and grid coverage"))
    members = stats["members"]
    section.lines += [
        (_("Party members"), _count(members, pgettext("unit", "people"))),
        (
            _("Members aged 60 and over"),
            _part(stats["members_over_60"], members),
        ),
        (_("Mobile members"), _count(stats["members_mobile"], pgettext("unit", "people"))),
        (_("Households"), _count(stats["households"], pgettext("unit", "households"))),
    ]
    layer = layers(user).filter(slug=SERVICE_LAYER).first()
    if layer is not None:
        gaps = coverage(user, layer, area_code=area.code)
        total = gaps.households_total
        covered = total - gaps.households_without_grid.count()
        section.lines += [
            (_("Service grids"), str(stats["grids_by_layer"].get(SERVICE_LAYER, 0))),
            (_("Households in a service grid"), _part(covered, total)),
            (
                _("Grids without a responsible member"),
                str(gaps.grids_without_responsible.count()),
            ),
        ]
    return section


def _pairing(user, area: Region, stats: dict) -> Section:
    section = Section(_("Pairing"))
    villages = [v for v in village_summary(user) if v["code"].startswith(area.code)]
    key = sum(v["key"] for v in villages)
    unpaired = stats["households_key_unpaired"]
    section.lines += [
        (_("Key households"), _count(key, pgettext("unit", "households"))),
        (_("Key households paired"), _part(key - unpaired, key)),
        (_("Key households not yet paired"), _count(unpaired, pgettext("unit", "households"))),
        (_("Active pairings"), str(stats["pairings_active"])),
    ]
    if area.level == Level.TOWNSHIP:
        section.headers = [_("Village"), _("Key households"), _("Not yet paired")]
        section.rows = [[v["name"], str(v["key"]), str(v["unpaired"])] for v in villages]
    return section


def _visits(user, area: Region, period: Period, as_of: datetime.date) -> Section:
    section = Section(_("Visits"))
    made = visits_in_period([area.code], period.start, period.end)
    rollup = overdue_rollup(user, as_of, area_code=area.code)
    total = rollup["total"]
    kinds = made["visits_by_kind"]
    section.lines += [
        (_("Visits made in the period"), _count(made["visits"], pgettext("unit", "visits"))),
        (
            _("First, routine and help visits"),
            " / ".join(str(kinds.get(k, 0)) for k in VisitKind.values),
        ),
        (
            _("Households visited"),
            _count(made["households_visited"], pgettext("unit", "households")),
        ),
        (_("Paired households"), _count(total.paired, pgettext("unit", "households"))),
        (_("Visits on time"), f"{total.on_time}（{_rate(total.on_time_rate)}）"),
        (_("Visits overdue"), _count(total.overdue, pgettext("unit", "households"))),
    ]
    if area.level == Level.TOWNSHIP:
        section.headers = [_("Village"), _("Paired households"), _("Overdue"), _("On time")]
        section.rows = [
            [v.name, str(v.paired), str(v.overdue), _rate(v.on_time_rate)]
            for v in rollup["villages"]
        ]
    return section


def _rate_cells(rates: Rates) -> list[str]:
    return [
        str(rates.routed),
        _rate(rates.response_rate),
        _rate(rates.resolution_rate),
        _rate(rates.satisfaction_rate),
    ]


def _requests(user, area: Region, period: Period) -> Section:
    section = Section(_("Residents' requests"))
    metrics = metrics_for_area(user, area.code, period)
    total: Rates = metrics["total"]
    hours = total.median_hours
    section.lines += [
        (_("Requests routed"), _count(total.routed, pgettext("unit", "requests"))),
        (_("Response rate"), _rate(total.response_rate)),
        (_("Resolution rate"), _rate(total.resolution_rate)),
        (_("Satisfaction rate"), _rate(total.satisfaction_rate)),
        (_("Escalated"), f"{total.escalated}（{_rate(total.escalation_share)}）"),
        (
            _("Median time to resolve"),
            "—" if hours is None else _("%(hours)s hours") % {"hours": hours},
        ),
    ]
    children = metrics.get("children") or {}
    if children:
        names = _village_names(children)
        section.headers = [
            _("Village"),
            _("Requests routed"),
            _("Response rate"),
            _("Resolution rate"),
            _("Satisfaction rate"),
        ]
        section.rows = [
            [names.get(code, code), *_rate_cells(children[code])] for code in sorted(children)
        ]
    return section


def _flags_and_plans(area: Region, period: Period) -> Section:
    section = Section(_("Risk flags and assistance"))
    figures = township_figures(area.code, start=period.start, end=period.last_day)
    flags = flags_in_period(area.code, period.start_at, period.end_at)
    plans = plans_in_period(area.code, period.start_at, period.end_at)
    by_status = flags["by_status"]
    section.lines += [
        (_("Risk flags raised in the period"), str(flags["raised"])),
        (
            _("Of these accepted / dismissed"),
            f"{by_status.get(FlagStatus.ACCEPTED, 0)} / {by_status.get(FlagStatus.DISMISSED, 0)}",
        ),
        (_("Hardship families identified (open flags)"), str(figures.hardship_families)),
        (_("Households newly on low-income support"), str(figures.newly_low_income)),
        (_("Households whose low-income support was raised"), str(figures.low_income_raised)),
        (_("Assistance plans opened"), str(plans["opened"])),
        (_("Assistance plans closed"), str(plans["closed"])),
        (_("Assistance plans still open"), str(plans["open_now"])),
    ]
    if plans["by_outcome"]:
        section.headers = [_("Outcome of closed plans"), _("Plans")]
        section.rows = [[label, str(n)] for label, n in plans["by_outcome"]]
    return section


def section_count() -> int:
    """How many steps building a report takes (for its progress bar)."""
    return 5 + len(section_providers())


def bulletin(
    user,
    area: Region,
    period: Period,
    *,
    kind: str = ReportKind.BULLETIN,
    today: datetime.date | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> Bulletin:
    """The report ``kind`` for ``area`` (from ``bulletin_area``) and ``period`` (begun by today);
    ``progress(sections_done, title)`` is called after each section."""
    today = today or timezone.localdate()
    as_of = min(today, period.last_day)
    sections: list[Section] = []

    def done(section: Section) -> None:
        sections.append(section)
        if progress is not None:
            progress(len(sections), section.title)

    stats = township_stats(area.code, today=as_of)
    done(_members(user, area, stats))
    done(_pairing(user, area, stats))
    done(_visits(user, area, period, as_of))
    done(_requests(user, area, period))
    done(_flags_and_plans(area, period))
    for provider in section_providers():  # campaigns, assessment: see core.reporting
        section = provider(user, area.code, period, as_of)
        if section is not None:
            done(section)
    return Bulletin(
        area=area,
        period=period,
        as_of=as_of,
        generated_at=timezone.now(),
        sections=sections,
        kind=kind,
    )


def reports_in_scope(user) -> QuerySet:
    """Reports generated for areas the user reports on (the office sees its colleagues')."""
    return in_areas(GeneratedReport.objects.all(), area_prefixes(user, BULLETIN_ROLES))


def report_for_user(user, pk: int):
    """One generated report in the user's scope; 404 otherwise (as if absent)."""
    found = reports_in_scope(user).select_related("area", "generated_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
