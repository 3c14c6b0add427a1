"""A grid's roster (S4): the members and the people who are not members who serve on it, each
with a duty. Level 1 marks the township leadership (班子成员); level 3 holds the Party-group
leader and the villager-group leader (村民组长), who is usually not a member.

Only the office roles change a roster, the village secretary only in their own village
(``can_write_registry``): a level-1 grid sits at the township, so only the township does."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import can_write_registry
from wangge.audit.services import audit_record
from wangge.grids.models import Grid, GridMember, GridPerson, Person
from wangge.party.models import Member
from wangge.regions.codes import township_of, village_of

VILLAGER_GROUP_LEADER = "村民组长"
PARTY_GROUP_LEADER = "党小组长"
# Duties offered per level (free text is allowed: villages name duties their own way).
DUTIES = {
    1: ["包村领导", "乡机关工作人员"],
    2: ["村党组织书记", "村两委"],
    3: [PARTY_GROUP_LEADER, VILLAGER_GROUP_LEADER],
    4: ["网格员", "普通党员", "志愿者"],
    None: ["网格员", "志愿者"],
}
TOWNSHIP_LEADER_LABEL = gettext_lazy("Township leadership")


@dataclass
class RosterRow:
    kind: str  # "member" or "person"
    id: int  # the member's or the person's id
    name: str
    duty: str
    township_leader: bool
    detail: str  # the member's branch, or the person's area


def home_prefix(grid: Grid) -> str:
    """Where the grid's people come from: the township for level 1, else the grid's village."""
    village = village_of(grid.area_code)
    if village and grid.level != 1:
        return village
    return township_of(grid.area_code) or grid.area_code


def roster(grid: Grid) -> list[RosterRow]:
    """The roster of a grid the caller has already fetched for the user: members, then people."""
    rows = [
        RosterRow(
            "member",
            gm.member_id,
            gm.member.name,
            gm.duty,
            gm.township_leader,
            gm.member.organisation.name,
        )
        for gm in GridMember.objects.filter(grid=grid)
        .select_related("member__organisation")
        .only("duty", "township_leader", "member__name", "member__organisation__name")
        .order_by("-township_leader", "member__name", "id")
    ]
    rows += [
        RosterRow("person", gp.person_id, gp.person.name, gp.duty, False, gp.person.area.name)
        for gp in GridPerson.objects.filter(grid=grid)
        .select_related("person__area")
        .only("duty", "person__name", "person__area__name")
        .order_by("person__name", "id")
    ]
    return rows


def may_change_roster(user, grid: Grid) -> bool:
    """The office roles over the grid's area; a level-1 grid (the township's leaders) only
    from the township, never the village secretary."""
    where = township_of(grid.area_code) or grid.area_code if grid.level == 1 else grid.area_code
    return can_write_registry(user, where)


def _require_write(actor, grid: Grid) -> None:
    if not may_change_roster(actor, grid):
        raise PermissionDenied(
            _(
                "Only the township office, or the village secretary for their own village, may "
                "change this grid's roster."
            )
        )


def _clean(
    *, grid: Grid, member: Member | None, person: Person | None, duty: str, township_leader: bool
) -> str:
    duty = (duty or "").strip()
    errors: dict[str, str] = {}
    if (member is None) == (person is None):
        errors["member"] = _("Choose either a Party member or a person who serves, one of the two.")
    if len(duty) > 50:
        errors["duty"] = _("A duty can have at most 50 characters.")
    if township_leader and (grid.level != 1 or member is None):
        errors["township_leader"] = _(
            "Only a Party member on a level-1 grid can be marked as township leadership."
        )
    prefix = home_prefix(grid)
    if member is not None and not member.area_code.startswith(prefix):
        errors["member"] = _(
            "%(name)s is not from this grid's area; choose someone from there."
        ) % {"name": member.name}
    if person is not None and not person.area_code.startswith(prefix):
        errors["person"] = _(
            "%(name)s is not from this grid's area; choose someone from there."
        ) % {"name": person.name}
    if errors:
        raise ValidationError(errors)
    return duty


def roster_add(
    *,
    actor,
    grid: Grid,
    member: Member | None = None,
    person: Person | None = None,
    duty: str = "",
    township_leader: bool = False,
) -> GridMember | GridPerson:
    """Put a member or a person on the grid's roster; someone already on it is an error."""
    _require_write(actor, grid)
    duty = _clean(
        grid=grid, member=member, person=person, duty=duty, township_leader=township_leader
    )
    who = member or person
    twice = ValidationError(
        _("%(name)s is already on this grid's roster.") % {"name": who.name}  # type: ignore[union-attr]
    )
    try:
        with transaction.atomic():
            if member is not None:
                if GridMember.objects.filter(grid=grid, member=member).exists():
                    raise twice
                entry = GridMember.objects.create(
                    grid=grid, member=member, duty=duty, township_leader=township_leader
                )
                detail = {"member": member.pk, "duty": duty, "township_leader": township_leader}
            else:
                if GridPerson.objects.filter(grid=grid, person=person).exists():
                    raise twice
                entry = GridPerson.objects.create(grid=grid, person=person, duty=duty)
                detail = {"person": person.pk, "duty": duty}  # type: ignore[union-attr]
            audit_record(actor=actor, action="grid.roster_add", obj=grid, detail=detail)
    except IntegrityError as exc:  # two clerks adding the same person at once
        raise twice from exc
    return entry


@transaction.atomic
def roster_remove(
    *, actor, grid: Grid, member_id: int | None = None, person_id: int | None = None
) -> None:
    """Take a member or a person off the grid's roster (the first responsible stays: change
    that by editing the grid)."""
    _require_write(actor, grid)
    if member_id:
        deleted, _rows = GridMember.objects.filter(grid=grid, member_id=member_id).delete()
    elif person_id:
        deleted, _rows = GridPerson.objects.filter(grid=grid, person_id=person_id).delete()
    else:
        deleted = 0
    if not deleted:
        raise ValidationError(_("This person is not on the grid's roster (any more)."))
    audit_record(
        actor=actor,
        action="grid.roster_remove",
        obj=grid,
        detail={"member": member_id, "person": person_id},
    )
