"""Rosters and councils in Liangquan (S4, S10): the villager-group leader (村民组长) on each
level-3 grid with its Party-group leader, the township leadership (班子成员) marked on level 1
and the ``leader-<village>`` logins linked to it, 3–5 people on each of the 157 environment
councils and Hubin's five-elders council (五老议事会) with its 7 members."""

import random

from wangge.accounts.models import User
from wangge.core.identity import mask_phone
from wangge.demo import vocabulary as V
from wangge.grids.models import CouncilSeat, Grid, GridMember, GridPerson, Person
from wangge.grids.rosters import PARTY_GROUP_LEADER, VILLAGER_GROUP_LEADER
from wangge.party.models import Organisation, OrgKind
from wangge.regions.models import Level

BATCH = 1000
FIVE_ELDERS = "湖滨村五老议事会"
FIVE_ELDERS_ROLES = ["会长", "副会长", "成员", "成员", "成员", "成员", "成员"]
COUNCIL_ROLES = ["会长", "副会长", "理事", "理事", "理事"]


def _person(rng: random.Random, area_code: str, *, older: bool = False) -> Person:
    male = rng.random() < (0.85 if older else 0.6)
    chars = V.MALE_CHARS if male else V.FEMALE_CHARS
    name = rng.choice(V.SURNAMES) + rng.choice(chars) + rng.choice(chars)
    phone = rng.choice(V.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    person = Person(name=name, phone=phone, phone_masked=mask_phone(phone))
    person.area_id = person.area_code = area_code
    person.township_code = area_code[:9]
    return person


def _saved(people: list[Person]) -> list[Person]:
    made = Person.objects.bulk_create(people, batch_size=BATCH)
    if any(p.pk is None for p in made):  # a backend that does not return keys
        ids = list(Person.objects.order_by("-pk").values_list("pk", flat=True)[: len(made)])
        for person, pk in zip(made, reversed(ids), strict=True):
            person.pk = pk
    return made


def rosters_demo_load(*, seed: int) -> dict:
    """Grid rosters, the leader logins' link, and the councils' rosters; returns counts."""
    rng = random.Random(f"{seed}:councils")
    township = V.TOWNSHIP[0]
    service = Grid.objects.filter(layer__slug="service", township_code=township)

    # Level 1: the responsible is the township leader who looks after the village.
    l1 = list(service.filter(level=1).exclude(responsible=None).order_by("area_code"))
    GridMember.objects.filter(grid__in=l1, member_id__in=[g.responsible_id for g in l1]).update(
        township_leader=True
    )
    linked = 0
    for grid in l1:
        linked += User.objects.filter(username=f"leader-{grid.area_code}").update(
            member_id=grid.responsible_id, display_name=grid.responsible.name
        )

    # Level 3: the Party-group leader and a villager-group leader who is not a member.
    l3 = list(service.filter(level=3).order_by("area_code", "id"))
    GridMember.objects.bulk_create(
        [
            GridMember(grid=g, member_id=g.responsible_id, duty=PARTY_GROUP_LEADER)
            for g in l3
            if g.responsible_id
        ],
        ignore_conflicts=True,
    )
    GridMember.objects.filter(
        grid__in=l3, member_id__in=[g.responsible_id for g in l3 if g.responsible_id]
    ).update(duty=PARTY_GROUP_LEADER)
    hamlets = {}
    for grid in l3:
        hamlets[grid.pk] = grid.area_code
    leaders = _saved([_person(rng, hamlets[g.pk]) for g in l3])
    GridPerson.objects.bulk_create(
        [
            GridPerson(grid=g, person=p, duty=VILLAGER_GROUP_LEADER)
            for g, p in zip(l3, leaders, strict=True)
        ],
        batch_size=BATCH,
    )

    # Councils: 3–5 people on each hamlet's environment council, seven on the five elders.
    councils = list(
        Organisation.objects.filter(kind=OrgKind.COUNCIL, township_code=township)
        .select_related("area")
        .order_by("area_code", "id")
    )
    plan: list[tuple[Organisation, str]] = []
    people: list[Person] = []
    for council in councils:
        elders = council.name == FIVE_ELDERS
        roles = FIVE_ELDERS_ROLES if elders else COUNCIL_ROLES[: rng.randint(3, 5)]
        for role in roles:
            plan.append((council, role))
            people.append(_person(rng, council.area_code, older=elders))
    people = _saved(people)
    CouncilSeat.objects.bulk_create(
        [
            CouncilSeat(council=council, person=person, role=role)
            for (council, role), person in zip(plan, people, strict=True)
        ],
        batch_size=BATCH,
    )
    environment = sum(1 for c in councils if c.area.level == Level.HAMLET)
    return {
        "township_leaders": len(l1),
        "leader_logins_linked": linked,
        "villager_group_leaders": len(leaders),
        "councils": len(councils),
        "environment_councils": environment,
        "council_seats": len(people),
    }
