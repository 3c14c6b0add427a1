import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wangge.core.identity import (
    IdentityError,
    check_character,
    mask_id,
    mask_phone,
    parse_id_number,
    parse_phone,
)


def test_standard_example_passes():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.gender == "F"


def test_lower_case_x_and_full_width_digits_are_accepted():
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").value == "11010519491231002X"


def test_old_15_digit_number_is_converted():
    parsed = parse_id_number("110105491231002")
    assert parsed.value.startswith("11010519491231002")
    assert len(parsed.value) == 18


def test_wrong_check_character_says_which_it_should_be():
    with pytest.raises(IdentityError, match="X"):
        parse_id_number("110105194912310021")


def test_impossible_birth_date_is_explained():
    with pytest.raises(IdentityError, match="19491331"):
        parse_id_number("110105194913310025")


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 1, 1)),
    st.integers(min_value=0, max_value=999),
)
def test_any_generated_number_round_trips(birth, seq):
    first17 = f"340827{birth:%Y%m%d}{seq:03d}"
    parsed = parse_id_number(first17 + check_character(first17))
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if seq % 2 else "F")


def test_masks_match_the_spec():
    assert mask_id("340827195503031234") == "340827********1234"
    assert mask_phone("13912345678") == "139****5678"


def test_mobile_numbers():
    assert parse_phone("139 1234 5678") == "13912345678"
    with pytest.raises(IdentityError, match="11"):
        parse_phone("12912345678")
    assert parse_phone("0556-1234567", allow_landline=True) == "0556-1234567"
