"""Hooks for the platform layer: report sections and dashboard figures that other apps add.

The bulletins (季度通报, half-year evaluation, annual report) and the dashboards live in the
platform layer, above the apps whose record they report. An app that has something to report
(campaigns and their turn-outs, assessment scores and stars) registers it here, in its
``reporting.py`` module, which is imported automatically (as Django's admin does with
``admin.py``)::

    # wangge/campaigns/reporting.py
    from wangge.core.reporting import ReportSection, report_section

    @report_section(order=60)
    def campaign_section(user, area_code, period, as_of):
        return ReportSection(_("Campaigns"), lines=[...])  # or None: nothing to report

    @dashboard_figures(order=60)
    def campaign_figures(user, prefixes, today):
        return [Figure("campaigns_running", _("Campaigns running"), n, url)]

A section provider takes the user (its reads are scoped to them), the area's code, the
``core.periods.Period`` and the day the states are read as of; it returns a ``ReportSection`` or
``None``. A figure provider takes the user, the area prefixes shown and today; it returns
``Figure``s, each with the link to the list behind it (or ``""`` when the user has no such list).
A figure that is a count may give its queryset as the value: the dashboard counts it together
with its own counts, in one statement (``core.counting.counts``), instead of one each.
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules


@dataclass
class ReportSection:
    """One numbered section of a report: label/value lines, then an optional table."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Figure:
    """One figure of a dashboard and the list behind it."""

    key: str
    label: str
    # A QuerySet: its count, made with the page's other counts (``pending_counts``).
    value: int | float | str | QuerySet | None
    url: str = ""


SectionProvider = Callable[..., ReportSection | None]
FigureProvider = Callable[..., list[Figure]]
_sections: list[tuple[int, SectionProvider]] = []
_figures: list[tuple[int, FigureProvider]] = []


def _register(registry: list, order: int, func) -> None:
    if all(existing is not func for _o, existing in registry):
        registry.append((order, func))
        registry.sort(key=lambda item: item[0])


def report_section(*, order: int) -> Callable[[SectionProvider], SectionProvider]:
    def decorate(func: SectionProvider) -> SectionProvider:
        _register(_sections, order, func)
        return func

    return decorate


def dashboard_figures(*, order: int) -> Callable[[FigureProvider], FigureProvider]:
    def decorate(func: FigureProvider) -> FigureProvider:
        _register(_figures, order, func)
        return func

    return decorate


@functools.cache
def _discover() -> None:
    """Import every app's ``reporting`` module (which registers its providers), once per
    process: looking for the modules again on every dashboard load cost about a millisecond."""
    autodiscover_modules("reporting")


def section_providers() -> list[SectionProvider]:
    _discover()
    return [func for _order, func in _sections]


def extra_sections(user, area_code: str, period, as_of: datetime.date) -> list[ReportSection]:
    """The sections other apps add to a report, in their order; empty ones left out."""
    out = []
    for provider in section_providers():
        section = provider(user, area_code, period, as_of)
        if section is not None:
            out.append(section)
    return out


def extra_figures(user, prefixes: list[str], today: datetime.date) -> list[Figure]:
    """The figures other apps add to a dashboard, in their order; a count may still be its
    queryset (``pending_counts``, ``with_counts``)."""
    _discover()
    out: list[Figure] = []
    for _order, provider in _figures:
        out += provider(user, prefixes, today)
    return out


def pending_counts(figures: list[Figure]) -> dict[str, QuerySet]:
    """The figures whose value is a queryset still to count, by a name for ``counts``."""
    return {
        f"figure_{i}": figure.value
        for i, figure in enumerate(figures)
        if isinstance(figure.value, QuerySet)
    }


def with_counts(figures: list[Figure], found: dict) -> list[Figure]:
    """The figures with their pending counts filled in from ``found`` (``counts`` of
    ``pending_counts(figures)``)."""
    return [
        dataclasses.replace(figure, value=found[f"figure_{i}"])
        if isinstance(figure.value, QuerySet)
        else figure
        for i, figure in enumerate(figures)
    ]
