"""Personas for visits: a member of village A paired with two households, a third household of
village A they are not paired with, and one in village B."""

import datetime

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.households.models import Tag
from wangge.pairing.models import Pairing
from wangge.visits.services import policies_seed

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"
PAIRED_ON = datetime.date(2026, 1, 5)


def pair(member, household, started_on=PAIRED_ON) -> Pairing:
    pairing = Pairing(member=member, household=household, started_on=started_on)
    pairing.set_area(household.area)
    pairing.save()
    return pairing


@pytest.fixture
def policies(tags):
    return policies_seed(testing.TOWNSHIP)


@pytest.fixture
def world(regions, tags, policies):
    hardship = Tag.objects.get(slug="hardship")
    dispute = Tag.objects.get(slug="dispute")
    member = testing.make_member(area_code=HAMLET_A, seq=1, name="王党员")
    user = testing.make_user("field-member", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    hardship_home = testing.make_household(
        area_code=HAMLET_A, seq=11, head_name="困难户甲", tags=[hardship]
    )
    plain_home = testing.make_household(area_code=HAMLET_A, seq=12, head_name="普通户乙")
    other_home = testing.make_household(
        area_code=HAMLET_A, seq=13, head_name="未结对户丙", tags=[dispute]
    )
    far_home = testing.make_household(area_code=HAMLET_B, seq=14, head_name="太华户丁")
    pair(member, hardship_home)
    pair(member, plain_home)
    return {
        "member": member,
        "user": user,
        "hardship": hardship_home,
        "plain": plain_home,
        "unpaired": other_home,
        "far": far_home,
        "tags": {"hardship": hardship, "dispute": dispute},
    }
