"""Deadlines in working time: Monday to Friday count, Saturday and Sunday do not.

Kept simple on purpose (documented in the category help): no public holidays, no office
hours. A working day is 24 hours of a weekday; "accept within 24 hours" given on a Friday
afternoon falls due on Monday afternoon. Urgent categories count every hour.
"""

import datetime

from django.utils import timezone


def _is_weekend(day: datetime.date) -> bool:
    return day.weekday() >= 5


def _next_weekday_start(moment: datetime.datetime) -> datetime.datetime:
    """The moment itself on a weekday, else 00:00 of the next Monday (local time)."""
    while _is_weekend(moment.date()):
        moment = (moment + datetime.timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    return moment


def add_working_hours(start: datetime.datetime, hours: int) -> datetime.datetime:
    """``start`` plus ``hours`` of weekday time (aware in, aware out, local calendar)."""
    local = timezone.localtime(start)
    moment = _next_weekday_start(local.replace(tzinfo=None))
    remaining = datetime.timedelta(hours=hours)
    while True:
        midnight = datetime.datetime.combine(
            moment.date() + datetime.timedelta(days=1), datetime.time()
        )
        left_today = midnight - moment
        if remaining <= left_today:
            return timezone.make_aware(moment + remaining)
        remaining -= left_today
        moment = _next_weekday_start(midnight)


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    return add_working_hours(start, 24 * days)


def accept_due(category, start: datetime.datetime) -> datetime.datetime:
    if category.urgent:
        return start + datetime.timedelta(hours=category.accept_hours)
    return add_working_hours(start, category.accept_hours)


def resolve_due(category, start: datetime.datetime) -> datetime.datetime:
    if category.urgent:
        return start + datetime.timedelta(days=category.resolve_working_days)
    return add_working_days(start, category.resolve_working_days)
