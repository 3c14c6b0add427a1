import pytest

from wangge import testing
from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import (
    area_prefixes,
    can_write_registry,
    may_export,
    sees_personal_data,
    visible,
)
from wangge.households.models import Household


def test_village_secretary_sees_only_own_village(secretary_a, township_admin):
    in_a = testing.make_household(area_code=testing.VILLAGE_A + "001", seq=1)
    in_b = testing.make_household(area_code=testing.VILLAGE_B + "001", seq=2)

    assert list(visible(Household.objects.all(), secretary_a)) == [in_a]
    assert set(visible(Household.objects.all(), township_admin)) == {in_a, in_b}


def test_no_role_sees_nothing(regions, django_user_model):
    outsider = django_user_model.objects.create_user(username="outsider", password="x")
    testing.make_household(area_code=testing.VILLAGE_A + "001", seq=1)
    assert not visible(Household.objects.all(), outsider).exists()


def test_nested_assignments_reduce_to_outer_prefix(secretary_a):
    RoleAssignment.objects.create(
        user=secretary_a, role=Role.GROUP_LEADER, area_id=testing.VILLAGE_A + "001"
    )
    secretary_a._wangge_scope = None
    assert area_prefixes(secretary_a) == [testing.VILLAGE_A]


def test_members_cannot_write_the_registry(member_a, secretary_a):
    assert not can_write_registry(member_a, testing.VILLAGE_A + "001")
    assert can_write_registry(secretary_a, testing.VILLAGE_A + "001")
    assert not can_write_registry(secretary_a, testing.VILLAGE_B + "001")


@pytest.mark.parametrize(
    ("role", "exports", "sees"),
    [
        (Role.TOWNSHIP_ADMIN, True, True),
        (Role.TOWNSHIP_LEADER, True, True),
        (Role.VILLAGE_SECRETARY, True, True),
        (Role.DATA_OFFICER, True, True),
        (Role.MEMBER, False, True),
        (Role.SYSTEM_ADMIN, False, False),
        (Role.SECURITY_ADMIN, False, False),
        (Role.AUDIT_ADMIN, False, False),
    ],
)
def test_who_exports_and_who_sees_personal_data(regions, role, exports, sees):

    user = testing.make_user(f"u-{role}", role, testing.VILLAGE_A)
    assert may_export(user) is exports
    assert sees_personal_data(user) is sees
