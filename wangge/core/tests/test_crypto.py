from django.db import connection

from wangge.core.crypto import blind_index, decrypt, encrypt
from wangge.testing import make_household


def test_round_trip_and_random_nonce():
    a, b = encrypt("340827195503031234"), encrypt("340827195503031234")
    assert a != b
    assert decrypt(a) == decrypt(b) == "340827195503031234"


def test_blind_index_is_stable_and_keyed():
    assert blind_index("x") == blind_index("x")
    assert blind_index("x") != blind_index("y")
    assert "x" not in blind_index("x")


def test_id_numbers_are_not_stored_in_clear(regions):
    household = make_household(area_code="340827200200001", seq=7)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT head_id_number, phone FROM households_household WHERE id = %s", [household.pk]
        )
        stored_id, stored_phone = cursor.fetchone()
    assert household.head_id_number not in stored_id
    assert household.phone not in stored_phone
    assert (
        household.head_id_masked
        == household.head_id_number[:6] + "********" + household.head_id_number[-4:]
    )
