"""A four-level service grid in village A with a responsible member (with an account) per level."""

from dataclasses import dataclass

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.categories import categories_for
from wangge.grids.services import grid_assign_households, grid_create, grid_layers_seed
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
GROUP_A = HAMLET_A + "001"
GROUP_B = testing.VILLAGE_B + "001001"


@dataclass
class World:
    grids: dict
    members: dict
    users: dict
    household: object
    household_b: object
    categories: dict


def _member_user(username, role, area, seq, name):
    user = testing.make_member_user(username, area, seq, name=name, role=role)
    return user.member, user


@pytest.fixture
def world(regions):
    layers = {layer.slug: layer for layer in grid_layers_seed()}
    service = layers["service"]
    members, users = {}, {}
    for level, (username, role, name) in {
        1: ("leader-1", Role.TOWNSHIP_LEADER, "乡领导"),
        2: ("secretary-2", Role.VILLAGE_SECRETARY, "村书记"),
        3: ("group-3", Role.GROUP_LEADER, "组长"),
        4: ("member-4", Role.MEMBER, "党员甲"),
    }.items():
        area = testing.VILLAGE_A if level < 3 else (HAMLET_A if level == 3 else GROUP_A)
        members[level], users[level] = _member_user(username, role, area, 100 + level, name)
    area_of = {
        1: testing.VILLAGE_A,
        2: testing.VILLAGE_A,
        3: HAMLET_A,
        4: GROUP_A,
    }
    grids: dict = {}
    for level in (1, 2, 3, 4):
        grids[level] = grid_create(
            actor=None,
            layer=service,
            name=f"L{level}",
            area=Region.objects.get(code=area_of[level]),
            level=level,
            parent=grids.get(level - 1),
            responsible=members[level],
        )
    household = testing.make_household(area_code=GROUP_A, seq=1, head_name="李大毛")
    household_b = testing.make_household(area_code=GROUP_B, seq=2, head_name="郭二")
    grid_assign_households(actor=None, grid=grids[4], households=[household])
    categories = {c.slug: c for c in categories_for(testing.TOWNSHIP)}
    return World(grids, members, users, household, household_b, categories)
