"""Tampered or mistyped posts on the pairing pages get a plain error, and nothing changes."""

import pytest

from wangge import testing
from wangge.pairing.models import MemberCap, Pairing, PairingRules

GROUP_A = testing.VILLAGE_A + "001001"

RULES = {
    "version": 1,
    "cap_default": 4,
    "older_age": 70,
    "cap_older": 2,
    "oldest_age": 80,
    "cap_oldest": 1,
    "cap_mobile": 0,
    "cost_group": 1,
    "cost_hamlet": 2,
    "cost_village": 3,
    "cost_other_village": 9,
}


@pytest.fixture
def data(regions, tags):
    key = [t for t in tags if t.is_key][:1]
    home = testing.make_household(area_code=GROUP_A, seq=1, head_name="重点户", tags=key)
    member = testing.make_member(area_code=GROUP_A, seq=11, name="党员甲")
    return home, member


@pytest.mark.parametrize("version", ["abc", "9" * 40, "-1"])
def test_rules_with_a_tampered_version_say_so_and_change_nothing(admin_client, regions, version):
    admin_client.post("/pairing/rules/", RULES)
    page = admin_client.post(
        "/pairing/rules/", {**RULES, "version": version, "cap_default": 7}, follow=True
    )
    assert page.status_code == 200
    assert "Someone else changed the rules while you were editing" in page.content.decode()
    assert PairingRules.objects.get().cap_default == 4


def test_rules_with_letters_in_a_number_say_so_and_change_nothing(admin_client, regions):
    admin_client.post("/pairing/rules/", RULES)
    page = admin_client.post("/pairing/rules/", {**RULES, "version": 2, "cap_default": "五"})
    assert page.status_code == 200
    assert page.content.decode().count("Enter whole numbers in every field.") == 1
    assert PairingRules.objects.get().cap_default == 4


@pytest.mark.parametrize("value", ["abc", "9" * 40, ""])
def test_pairing_with_a_member_not_from_the_list_is_refused(client, secretary_a, data, value):
    home, _member = data
    client.force_login(secretary_a)
    page = client.post(f"/pairing/households/{home.pk}/pair/", {"member": value}, follow=True)
    assert page.status_code == 200
    assert "Choose a member from the list." in page.content.decode()
    assert not Pairing.objects.exists()


@pytest.mark.parametrize("value", ["abc", "9" * 40])
def test_pairing_with_a_household_not_from_the_list_is_refused(client, secretary_a, data, value):
    _home, member = data
    client.force_login(secretary_a)
    url = f"/pairing/members/{member.pk}/pair/"
    page = client.post(url, {"household": value}, follow=True)
    assert page.status_code == 200
    assert "Choose a household from the list." in page.content.decode()
    assert not Pairing.objects.exists()


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("abc", "Enter a whole number, or leave empty to follow the rules."),
        ("9" * 40, "Enter a number from 0 to 50."),
    ],
)
def test_a_cap_that_is_no_small_number_is_refused(client, secretary_a, data, value, said):
    _home, member = data
    client.force_login(secretary_a)
    url = f"/pairing/members/{member.pk}/cap/"
    page = client.post(url, {"cap": value, "reason": "腿脚不便"}, follow=True)
    assert page.status_code == 200
    assert said in page.content.decode()
    assert not MemberCap.objects.exists()
