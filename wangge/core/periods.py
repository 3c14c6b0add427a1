"""Calendar periods for figures, ledgers and bulletins: a month, quarter, half-year, year or a
range of days, in local time, parsed from what people type (``2021-10``, ``2021-Q4``,
``2021-H2``, ``2021``, ``2021-10-01..2021-10-15``)."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    """Local calendar days [start, end); ``key`` is what goes back into a link."""

    kind: str  # month, quarter, half, year, custom
    start: datetime.date
    end: datetime.date
    key: str

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time()))

    @property
    def end_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.end, datetime.time()))

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("Q%(q)d %(year)d") % {
                "q": (self.start.month + 2) // 3,
                "year": self.start.year,
            }
        if self.kind == "half":
            if self.start.month == 1:
                return _("first half of %(year)d") % {"year": self.start.year}
            return _("second half of %(year)d") % {"year": self.start.year}
        if self.kind == "year":
            return str(self.start.year)
        return _("%(start)s to %(end)s") % {"start": self.start, "end": self.last_day}


class PeriodError(ValueError):
    pass


MAX_CUSTOM_DAYS = 3 * 366


def month_period(year: int, month: int) -> Period:
    start = datetime.date(year, month, 1)
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return Period("month", start, end, f"{year:04d}-{month:02d}")


def quarter_period(year: int, quarter: int) -> Period:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return Period("quarter", start, end, f"{year:04d}-Q{quarter}")


def half_period(year: int, half: int) -> Period:
    start = datetime.date(year, 6 * half - 5, 1)
    end = datetime.date(year + (half == 2), 1 if half == 2 else 7, 1)
    return Period("half", start, end, f"{year:04d}-H{half}")


def year_period(year: int) -> Period:
    return Period("year", datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1), f"{year:04d}")


def custom_period(first: datetime.date, last: datetime.date) -> Period:
    if last < first:
        raise PeriodError(_("The end date comes before the start date."))
    if (last - first).days > MAX_CUSTOM_DAYS:
        raise PeriodError(_("Choose at most three years."))
    return Period(
        "custom", first, last + datetime.timedelta(days=1), f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
    )


def parse_period(value: str | None, *, today: datetime.date | None = None) -> Period:
    """``2026-11`` (month), ``2026-Q4``, ``2026`` or ``2026-11-01..2026-11-15`` (days, both
    included); empty means the current month. Raises ``PeriodError`` with a plain message."""
    today = today or timezone.localdate()
    value = (value or "").strip()
    try:
        if not value:
            return month_period(today.year, today.month)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
            return month_period(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
            return quarter_period(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-[Hh]([12])", value):
            return half_period(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})", value):
            return year_period(int(m[1]))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
            return custom_period(
                datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2])
            )
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(_("That is not a valid date.")) from exc
    raise PeriodError(_("Give a month (2026-11), a quarter (2026-Q4), a year (2026) or two dates."))


def parse_past_period(value: str | None, *, today: datetime.date | None = None) -> Period:
    """A period a ledger or bulletin covers: required, and begun by ``today`` (a period still
    running is allowed; one that lies wholly in the future is not). Raises ``PeriodError``."""
    today = today or timezone.localdate()
    if not (value or "").strip():
        raise PeriodError(
            _(
                "Give a period: a year (2021), a half-year (2021-H2), a quarter (2021-Q4) or a "
                "month (2021-10)."
            )
        )
    period = parse_period(value, today=today)
    if period.start > today:
        raise PeriodError(
            _("%(period)s lies in the future; choose a period that has begun.")
            % {"period": period.key}
        )
    return period


def recent_periods(today: datetime.date) -> list[Period]:
    """Choices for the period selector: the last six months, four quarters and two years."""
    out = []
    year, month = today.year, today.month
    for _i in range(6):
        out.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarter = (today.month + 2) // 3
    year = today.year
    for _i in range(4):
        out.append(quarter_period(year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    out += [year_period(today.year), year_period(today.year - 1)]
    return out


def ledger_area(params) -> str:
    """The area code (``area`` or ``area_code``) a ledger export or list link names: digits
    only, at most a group's 18, else none."""
    area = (params.get("area") or params.get("area_code") or "").strip()
    return area if area.isdigit() and len(area) <= 18 else ""


def ledger_id(params, name: str) -> int | None:
    """A record's id a ledger export is narrowed to (``campaign``…): digits only, else none."""
    value = (params.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def ledger_scope(params) -> tuple[str, Period | None]:
    """The area (``ledger_area``) and period (``period``) a ledger export or list link names;
    an unparsable or future period raises ``PeriodError``."""
    value = (params.get("period") or "").strip()
    return ledger_area(params), (parse_past_period(value) if value else None)
