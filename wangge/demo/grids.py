"""The demo's three grid layers, built from the loaded registry (S4):

- service: per village a four-level group — L1 township leader + staff, L2 the two
  committees (the secretary first), L3 one grid per Party group (its leader first),
  L4 grids of about 25 households led by ordinary members; households sit in L4 grids;
- epidemic: 353 grids over the 167 hamlets, in proportion to their households;
- governance: one base grid per villager group (274).
"""

import random
from collections import defaultdict

from wangge.demo import vocabulary as V
from wangge.grids.models import Grid, GridHousehold, GridMember
from wangge.grids.services import grid_layers_seed
from wangge.households.models import Household
from wangge.party.models import Member, Organisation, OrgKind, Position
from wangge.regions.codes import township_of
from wangge.regions.models import Region

EPIDEMIC_GRIDS = 353
L4_SIZE = 25
BATCH = 1000


def _grid(layer, name, area_code, *, level=None, parent=None, responsible=None) -> Grid:
    return Grid(
        layer=layer,
        name=name,
        area_id=area_code,
        area_code=area_code,
        township_code=township_of(area_code),
        level=level,
        parent=parent,
        responsible=responsible,
    )


def _split(items: list, parts: int) -> list[list]:
    base, rest = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        size = base + (1 if i < rest else 0)
        out.append(items[start : start + size])
        start += size
    return out


def _largest_remainder(weights: dict[str, int], total: int) -> dict[str, int]:
    """``total`` seats over keys in proportion to weights, each key at least one."""
    keys = sorted(weights)
    spare = total - len(keys)
    whole = sum(weights.values()) or 1
    quotas = {k: spare * weights[k] / whole for k in keys}
    seats = {k: 1 + int(quotas[k]) for k in keys}
    left = total - sum(seats.values())
    for k in sorted(keys, key=lambda k: (quotas[k] - int(quotas[k]), k), reverse=True)[:left]:
        seats[k] += 1
    return seats


def build_demo_grids(seed: int) -> dict[str, int]:  # noqa: C901 (one pass, one seeded draw order)
    rng = random.Random(f"{seed}:grids")
    layers = {layer.slug: layer for layer in grid_layers_seed()}
    township = V.TOWNSHIP[0]
    names = dict(Region.objects.filter(code__startswith=township).values_list("code", "name"))
    households_by_area: dict[str, list[int]] = defaultdict(list)
    for pk, code in (
        Household.objects.filter(township_code=township)
        .order_by("area_code", "id")
        .values_list("pk", "area_code")
    ):
        households_by_area[code].append(pk)
    members = list(Member.objects.filter(township_code=township).order_by("id"))
    titles: dict[int, set[str]] = defaultdict(set)
    for member_id, title in Position.objects.values_list("member_id", "title"):
        titles[member_id].add(title)
    ordinary_by_hamlet: dict[str, list[Member]] = defaultdict(list)
    living_by_hamlet: dict[str, list[Member]] = defaultdict(list)
    organ_members = [m for m in members if len(m.area_code) == 9 and not m.is_mobile]
    for m in members:
        if len(m.area_code) >= 15 and not m.is_mobile:
            living_by_hamlet[m.area_code[:15]].append(m)
            if not titles[m.pk]:
                ordinary_by_hamlet[m.area_code[:15]].append(m)

    assignments: list[GridHousehold] = []
    memberships: list[GridMember] = []
    counts = defaultdict(int)

    # --- governance: one per villager group -------------------------------------------
    groups = sorted(c for c in names if len(c) == 18)
    gov = [
        _grid(
            layers["governance"],
            f"{names[g]}综治网格",
            g,
            responsible=rng.choice(living_by_hamlet[g[:15]]) if living_by_hamlet[g[:15]] else None,
        )
        for g in groups
    ]
    Grid.objects.bulk_create(gov, batch_size=BATCH)
    for grid in gov:
        assignments += [
            GridHousehold(layer=grid.layer, grid=grid, household_id=pk)
            for pk in households_by_area[grid.area_code]
        ]
    counts["governance"] = len(gov)

    # --- epidemic: 353 grids over the hamlets -----------------------------------------
    hamlets = sorted(c for c in names if len(c) == 15)
    in_hamlet = {
        h: [pk for g in groups if g.startswith(h) for pk in households_by_area[g]] for h in hamlets
    }
    seats = _largest_remainder({h: len(in_hamlet[h]) for h in hamlets}, EPIDEMIC_GRIDS)
    epi, epi_households = [], []
    for h in hamlets:
        people = living_by_hamlet[h]
        for n, chunk in enumerate(_split(in_hamlet[h], seats[h]), start=1):
            epi.append(
                _grid(
                    layers["epidemic"],
                    f"{names[h]}{n}号防疫网格",
                    h,
                    responsible=people[(n - 1) % len(people)] if people else None,
                )
            )
            epi_households.append(chunk)
    Grid.objects.bulk_create(epi, batch_size=BATCH)
    for grid, chunk in zip(epi, epi_households, strict=True):
        assignments += [GridHousehold(layer=grid.layer, grid=grid, household_id=pk) for pk in chunk]
    counts["epidemic"] = len(epi)

    # --- service: four levels per village ----------------------------------------------
    service = layers["service"]
    secretaries = dict(
        Position.objects.filter(title="书记", organisation__parent__kind=OrgKind.COMMITTEE)
        .exclude(organisation__area_code=township)
        .values_list("organisation__area_code", "member_id")
    )
    committee_of: dict[str, list[int]] = defaultdict(list)
    for member_id, area in (
        Position.objects.filter(organisation__parent__kind=OrgKind.COMMITTEE)
        .exclude(organisation__area_code=township)
        .values_list("member_id", "organisation__area_code")
    ):
        committee_of[area].append(member_id)
    party_groups = list(
        Organisation.objects.filter(kind=OrgKind.PARTY_GROUP, township_code=township).order_by("id")
    )
    leader_of_group = dict(
        Position.objects.filter(title="党小组长").values_list("organisation_id", "member_id")
    )
    # The demo's Party groups each cover a run of neighbouring hamlets, and the group leader
    # lives in one of them: give each hamlet to the group whose leader lives at or before it.
    leader_home = dict(
        Member.objects.filter(pk__in=leader_of_group.values()).values_list("pk", "area_code")
    )
    group_of_hamlet = {}
    for code, *_rest in V.VILLAGES:
        starts = sorted(
            (leader_home[leader_of_group[org.pk]][:15], org)
            for org in party_groups
            if org.area_code == code and org.pk in leader_of_group
        )
        for h in (h for h in sorted(names) if len(h) == 15 and h.startswith(code)):
            owners = (
                [org for start, org in starts if start <= h] or [starts[0][1]] if starts else []
            )
            if owners:
                group_of_hamlet[h] = owners[-1]

    leaders = rng.sample(organ_members, min(len(organ_members), 2 * len(V.VILLAGES)))
    for i, (code, _name, short, *_rest) in enumerate(V.VILLAGES):
        l1 = _grid(
            service,
            f"{short}服务组一级网格",
            code,
            level=1,
            responsible=leaders[2 * i] if len(leaders) > 2 * i else None,
        )
        l1.save()
        memberships += [
            GridMember(grid=l1, member=m, duty=d)
            for m, d in zip(
                leaders[2 * i : 2 * i + 2], ["包村领导", "乡机关工作人员"], strict=False
            )
        ]
        l2 = _grid(service, f"{short}服务组二级网格", code, level=2, parent=l1)
        l2.responsible_id = secretaries.get(code)
        l2.save()
        memberships += [
            GridMember(grid=l2, member_id=m, duty="村两委")
            for m in dict.fromkeys(committee_of[code])
        ]
        counts["service"] += 2
        village_hamlets = [h for h in hamlets if h.startswith(code)]
        by_group: dict[int, list[str]] = defaultdict(list)
        for h in village_hamlets:
            org = group_of_hamlet.get(h)
            by_group[org.pk if org else 0].append(h)
        for org_id, group_hamlets in sorted(by_group.items()):
            head = group_hamlets[0]
            l3 = _grid(
                service,
                f"{names[head]}片三级网格",
                head if len(group_hamlets) == 1 else code,
                level=3,
                parent=l2,
            )
            l3.responsible_id = leader_of_group.get(org_id)
            l3.save()
            counts["service"] += 1
            for h in group_hamlets:
                chunks = _split(in_hamlet[h], max(1, round(len(in_hamlet[h]) / L4_SIZE)))
                people = ordinary_by_hamlet[h]
                crews = _split(people, len(chunks)) if people else [[] for _ in chunks]
                for n, (chunk, crew) in enumerate(zip(chunks, crews, strict=True), start=1):
                    l4 = _grid(
                        service,
                        f"{names[h]}{n}号四级网格",
                        h,
                        level=4,
                        parent=l3,
                        responsible=crew[0] if crew else None,
                    )
                    l4.save()
                    counts["service"] += 1
                    memberships += [GridMember(grid=l4, member=m, duty="普通党员") for m in crew]
                    assignments += [
                        GridHousehold(layer=service, grid=l4, household_id=pk) for pk in chunk
                    ]

    GridMember.objects.bulk_create(memberships, batch_size=BATCH, ignore_conflicts=True)
    GridHousehold.objects.bulk_create(assignments, batch_size=BATCH)
    counts["memberships"] = len(memberships)
    return dict(counts)
