from wangge import testing
from wangge.households.selectors import household_duplicates


def test_possible_duplicates_stay_inside_the_users_scope(secretary_a, tags):
    """GIVEN the same head and address entered in two villages WHEN village A's secretary
    looks for duplicates THEN village B's entry is not shown (nor revealed to exist)."""
    a1 = testing.make_household(area_code=testing.VILLAGE_A + "001", seq=1, head_name="汪重")
    a2 = testing.make_household(area_code=testing.VILLAGE_A + "001", seq=2, head_name="汪重")
    b = testing.make_household(area_code=testing.VILLAGE_B + "001", seq=3, head_name="汪重")
    for h in (a2, b):
        type(h).objects.filter(pk=h.pk).update(address=a1.address)
    assert list(household_duplicates(secretary_a, a1)) == [a2]
