from wangge import testing
from wangge.dashboard.selectors import township_stats as stats
from wangge.pairing.services import pairing_create


def test_pairing_stats(secretary_a, tags):
    key = [t for t in tags if t.is_key][:2]
    homes = [
        testing.make_household(area_code=testing.VILLAGE_A + "001", seq=i, tags=key)
        for i in range(3)
    ]
    testing.make_household(area_code=testing.VILLAGE_B + "001", seq=7, tags=key)
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=9)
    pairing_create(actor=secretary_a, member=member, household=homes[0])
    everything = stats(None)
    assert everything["pairings_active"] == 1 and everything["households_key_unpaired"] == 3
    village = stats(testing.VILLAGE_A)
    assert village["households_key_unpaired"] == 2
