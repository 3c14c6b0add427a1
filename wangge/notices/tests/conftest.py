"""Notice personas: members of villages A and B (one of A with an account), a grid of A."""

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.grids.services import grid_add_member, grid_create, grid_layers_seed
from wangge.regions.models import Region


@pytest.fixture
def scene(regions, township_admin, secretary_a, secretary_b):
    a = [
        testing.make_member(area_code=testing.VILLAGE_A + "001", seq=n, name=name)
        for n, name in enumerate(["汪大勇", "汪小红", "汪未读"], start=1)
    ]
    b = [
        testing.make_member(area_code=testing.VILLAGE_B + "001", seq=n, name=name)
        for n, name in enumerate(["郭大山", "郭小河"], start=11)
    ]
    reader = testing.make_user("member-a1", Role.MEMBER, testing.VILLAGE_A)
    reader.member = a[0]
    reader.save(update_fields=["member"])
    reader_b = testing.make_user("member-b1", Role.MEMBER, testing.VILLAGE_B)
    reader_b.member = b[0]
    reader_b.save(update_fields=["member"])
    layers = {layer.slug: layer for layer in grid_layers_seed()}
    grid = grid_create(
        actor=None,
        layer=layers["epidemic"],
        name="汪屋防疫格",
        area=Region.objects.get(code=testing.VILLAGE_A + "001"),
    )
    for member in a[:2]:
        grid_add_member(actor=None, grid=grid, member=member)
    return {
        "a": a,
        "b": b,
        "reader": reader,
        "reader_b": reader_b,
        "grid": grid,
        "layers": layers,
        "admin": township_admin,
        "secretary_a": secretary_a,
        "secretary_b": secretary_b,
        "township": Region.objects.get(code=testing.TOWNSHIP),
        "village_a": Region.objects.get(code=testing.VILLAGE_A),
    }
