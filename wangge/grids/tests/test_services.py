import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from wangge import testing
from wangge.core.errors import ConflictError
from wangge.grids.models import Grid, GridHousehold
from wangge.grids.selectors import _grid_chain, coverage
from wangge.grids.services import (
    grid_assign_households,
    grid_auto_split,
    grid_create,
    grid_layers_seed,
    grid_merge,
    grid_update,
    split_plan,
)
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
GROUP_A = HAMLET_A + "001"


@pytest.fixture
def layers(db):
    return {layer.slug: layer for layer in grid_layers_seed()}


def _area(code):
    return Region.objects.get(code=code)


def test_household_sits_in_one_grid_per_layer(regions, layers):
    household = testing.make_household(area_code=GROUP_A, seq=1)
    first = grid_create(actor=None, layer=layers["epidemic"], name="汪屋1号", area=_area(HAMLET_A))
    second = grid_create(actor=None, layer=layers["epidemic"], name="汪屋2号", area=_area(HAMLET_A))
    grid_assign_households(actor=None, grid=first, households=[household])
    grid_assign_households(actor=None, grid=second, households=[household])
    assert list(GridHousehold.objects.values_list("grid_id", flat=True)) == [second.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        GridHousehold.objects.create(layer=layers["epidemic"], grid=first, household=household)


def test_grid_without_area_is_refused(regions, layers):
    with pytest.raises(ValidationError) as err:
        grid_create(actor=None, layer=layers["governance"], name="无区域", area=None)
    assert "area" in err.value.message_dict


def test_responsible_from_another_village_is_refused(regions, layers):
    outsider = testing.make_member(area_code=testing.VILLAGE_B + "001", seq=5, name="郭某")
    with pytest.raises(ValidationError) as err:
        grid_create(
            actor=None,
            layer=layers["governance"],
            name="汪屋",
            area=_area(HAMLET_A),
            responsible=outsider,
        )
    assert "郭某" in err.value.message_dict["responsible"][0]


def test_household_outside_grid_area_is_refused(regions, layers):
    grid = grid_create(actor=None, layer=layers["epidemic"], name="汪屋", area=_area(HAMLET_A))
    elsewhere = testing.make_household(area_code=testing.VILLAGE_B + "001", seq=2)
    with pytest.raises(ValidationError):
        grid_assign_households(actor=None, grid=grid, households=[elsewhere])
    assert not GridHousehold.objects.exists()


def test_service_levels_and_chain(regions, layers):
    service = layers["service"]
    l1 = grid_create(actor=None, layer=service, name="一级", area=_area(testing.VILLAGE_A), level=1)
    l2 = grid_create(
        actor=None, layer=service, name="二级", area=_area(testing.VILLAGE_A), level=2, parent=l1
    )
    l3 = grid_create(
        actor=None, layer=service, name="三级", area=_area(HAMLET_A), level=3, parent=l2
    )
    assert _grid_chain(l3) == [l2, l1]
    with pytest.raises(ValidationError):
        grid_create(
            actor=None, layer=service, name="跳级", area=_area(HAMLET_A), level=4, parent=l2
        )
    with pytest.raises(ValidationError):
        grid_create(actor=None, layer=service, name="无级", area=_area(HAMLET_A))


def test_stale_grid_edit_conflicts(regions, layers):
    grid = grid_create(actor=None, layer=layers["governance"], name="汪屋", area=_area(HAMLET_A))
    grid_update(actor=None, grid=grid, expected_version=1, name="汪屋组", responsible=None)
    with pytest.raises(ConflictError):
        grid_update(actor=None, grid=grid, expected_version=1, name="别的", responsible=None)
    assert Grid.objects.get().name == "汪屋组"


def test_merge_moves_households(regions, layers):
    a = grid_create(actor=None, layer=layers["epidemic"], name="A", area=_area(HAMLET_A))
    b = grid_create(actor=None, layer=layers["epidemic"], name="B", area=_area(HAMLET_A))
    households = [testing.make_household(area_code=GROUP_A, seq=i) for i in range(3)]
    grid_assign_households(actor=None, grid=a, households=households[:1])
    grid_assign_households(actor=None, grid=b, households=households[1:])
    grid_merge(actor=None, target=a, sources=[b])
    assert not Grid.objects.filter(pk=b.pk).exists()
    assert GridHousehold.objects.filter(grid=a).count() == 3


def test_split_plan_keeps_groups_together():
    plan = split_plan([("g1", 20), ("g2", 15), ("g3", 10), ("g4", 70)], target=30)
    assert plan[0] == [("g1", 0, 20), ("g2", 0, 15)]  # 35 is within a quarter of 30
    assert plan[1] == [("g3", 0, 10)]
    assert [s[0][2] for s in plan[2:]] == [24, 23, 23]
    assert sum(count for grid in plan for _code, _start, count in grid) == 115


def test_auto_split_assigns_every_household_and_coverage_sees_it(regions, layers, township_admin):
    for i in range(7):
        testing.make_household(area_code=GROUP_A, seq=10 + i)
    layer = layers["epidemic"]
    before = coverage(township_admin, layer)
    assert before.households_without_grid.count() == 7

    grids = grid_auto_split(actor=None, layer=layer, hamlet=_area(HAMLET_A), target_size=3)
    after = coverage(township_admin, layer)
    assert after.households_without_grid.count() == 0
    assert GridHousehold.objects.filter(layer=layer).count() == 7
    assert len(grids) >= 1
    assert after.grids_without_responsible.count() == len(grids)
