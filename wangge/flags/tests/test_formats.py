import datetime
from decimal import Decimal

import pytest

from wangge.flags.formats import CellError, parse_cell

TODAY = datetime.date(2021, 12, 31)


@pytest.mark.parametrize(
    "raw",
    [
        "2021-03-05",
        "2021.3.5",
        "2021/03/05",
        " 2021/3/5 ",
        "２０２１.３.５",
        "2021年3月5日",
        44260,
        "44260",
        datetime.date(2021, 3, 5),
        datetime.datetime(2021, 3, 5, 10, 0),  # noqa: DTZ001 - a spreadsheet cell's naive value
        "20210305",
    ],
)
def test_dates_in_the_shapes_agencies_type_them(raw):
    assert parse_cell("date", raw, today=TODAY) == "2021-03-05"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("2021-02-30", "not a real date"),
        ("1980-01-01", "out of range"),
        ("2022-01-01", "out of range"),
        ("三月五日", "not a date"),
    ],
)
def test_bad_dates_say_what_is_wrong(raw, words):
    with pytest.raises(CellError, match=words):
        parse_cell("date", raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1,234.5", "1234.50"), (" １２３ ", "123.00"), (88.1, "88.10"), ("300元", "300.00")],
)
def test_amounts(raw, value):
    assert parse_cell("amount", raw, today=TODAY) == value
    assert Decimal(value)


def test_amount_that_is_not_a_number():
    with pytest.raises(CellError, match="not an amount"):
        parse_cell("amount", "三百", today=TODAY)


def test_months_grades_categories():
    assert parse_cell("month", "2021.3", today=TODAY) == "2021-03-01"
    assert parse_cell("month", "202103", today=TODAY) == "2021-03-01"
    assert parse_cell("month", "2021年3月", today=TODAY) == "2021-03-01"
    assert parse_cell("grade", "二级", today=TODAY) == 2
    assert parse_cell("grade", "1", today=TODAY) == 1
    assert parse_cell("category", "B类", today=TODAY) == "B"
    with pytest.raises(CellError):
        parse_cell("grade", "5", today=TODAY)


def test_id_numbers_must_be_text_and_pass_the_checksum():
    assert parse_cell("id", "11010519491231002x", today=TODAY) == "11010519491231002X"
    with pytest.raises(CellError, match="should be X"):
        parse_cell("id", "110105194912310021", today=TODAY)
    with pytest.raises(CellError, match="lost digits"):
        parse_cell("id", 110105194912310020.0, today=TODAY)
