"""Periods people type for ledgers and bulletins: year, half-year, quarter, month; a period
that does not parse, is missing or lies in the future is refused in plain words."""

import datetime

import pytest

from wangge.core.periods import PeriodError, parse_past_period

TODAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2021", datetime.date(2021, 1, 1), datetime.date(2022, 1, 1)),
        ("2021-H1", datetime.date(2021, 1, 1), datetime.date(2021, 7, 1)),
        ("2021-h2", datetime.date(2021, 7, 1), datetime.date(2022, 1, 1)),
        ("2021-Q4", datetime.date(2021, 10, 1), datetime.date(2022, 1, 1)),
        ("2021-10", datetime.date(2021, 10, 1), datetime.date(2021, 11, 1)),
        ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2027, 1, 1)),  # still running
    ],
)
def test_periods_that_have_begun(value, start, end):
    period = parse_past_period(value, today=TODAY)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "Give a period"),
        ("2021-Q5", "Give a month"),
        ("2021-H3", "Give a month"),
        ("2021-13", "not a valid date"),
        ("2027", "lies in the future"),
        ("2026-12-07..2026-12-09", "lies in the future"),
    ],
)
def test_bad_or_future_periods_are_refused(value, words):
    with pytest.raises(PeriodError, match=words):
        parse_past_period(value, today=TODAY)


def test_half_year_label():
    assert parse_past_period("2021-H2", today=TODAY).label() == "second half of 2021"
