"""Who a notice goes to: the chosen targets turned into recipients in the sender's area.

Targets are all members, areas (villages, hamlets), grids, grid layers, branches and roles;
each recipient appears once however many targets reach them. Only members and users whose
area lies under the sender's area are reached, whatever was chosen.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from wangge.accounts.models import Role, RoleAssignment, User
from wangge.accounts.scope import in_areas, prefix_q
from wangge.grids.models import Grid, GridMember
from wangge.party.models import Member, Organisation
from wangge.regions.models import Region


@dataclass
class Targets:
    everyone: bool = False
    areas: list[Region] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    layers: list = field(default_factory=list)  # GridLayer
    branches: list[Organisation] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (
            self.everyone or self.areas or self.grids or self.layers or self.branches or self.roles
        )

    def as_json(self) -> dict:
        return {
            "everyone": self.everyone,
            "areas": [a.code for a in self.areas],
            "grids": [g.pk for g in self.grids],
            "layers": [layer.slug for layer in self.layers],
            "branches": [b.pk for b in self.branches],
            "roles": list(self.roles),
        }

    def label(self, scope: Region) -> str:
        if self.everyone:
            return _("All members of %(area)s") % {"area": scope.name}
        parts = [a.name for a in self.areas]
        parts += [g.name for g in self.grids]
        parts += [_("grids of the layer %(name)s") % {"name": layer.name} for layer in self.layers]
        parts += [b.name for b in self.branches]
        parts += [str(Role(r).label) for r in self.roles]
        return "、".join(parts)[:300]


@dataclass(frozen=True)
class Recipient:
    member_id: int | None
    user_id: int | None
    area_code: str
    grid_id: int | None = None


EMPTY_AUDIENCE = _(
    "Nobody would receive this notice. Choose all members, or villages, grids, layers, "
    "branches or roles that have members in your area."
)


def _outside(scope: str, codes) -> bool:
    return any(not code.startswith(scope) for code in codes)


def targets_check(scope: Region, targets: Targets) -> None:
    """Refuse targets outside the sender's area (the forms and the API offer only those)."""
    if (
        _outside(scope.code, (a.code for a in targets.areas))
        or _outside(scope.code, (g.area_code for g in targets.grids))
        or _outside(scope.code, (b.area_code for b in targets.branches))
        or any(r not in Role.values for r in targets.roles)
    ):
        raise ValidationError(
            {"audience": _("Choose only areas, grids and branches of your area.")}
        )


def audience_resolve(scope: Region, targets: Targets) -> list[Recipient]:
    """The recipients, members first (with their account, if any), then users by role."""
    targets_check(scope, targets)
    members = Member.objects.filter(prefix_q("area_code", scope.code))
    chosen: dict[int, int | None] = {}  # member id → the chosen grid that reached them

    def add(rows) -> None:
        for member_id, grid_id in rows:
            if chosen.get(member_id) is None:
                chosen[member_id] = grid_id

    if targets.everyone:
        add((pk, None) for pk in members.values_list("pk", flat=True))
    if targets.areas:
        codes = [a.code for a in targets.areas]
        add((pk, None) for pk in in_areas(members, codes).values_list("pk", flat=True))
    grid_rows = GridMember.objects.filter(prefix_q("member__area_code", scope.code))
    if targets.grids:
        add(grid_rows.filter(grid__in=targets.grids).values_list("member_id", "grid_id"))
    if targets.layers:
        in_scope = grid_rows.filter(prefix_q("grid__area_code", scope.code))
        add(in_scope.filter(grid__layer__in=targets.layers).values_list("member_id", "grid_id"))
    if targets.branches:
        branches = Q(organisation__in=targets.branches) | Q(
            organisation__parent__in=targets.branches
        )
        add((pk, None) for pk in members.filter(branches).values_list("pk", flat=True))
    role_users: dict[int, str] = {}
    if targets.roles:
        for user_id, area in (
            RoleAssignment.objects.filter(prefix_q("area_id", scope.code), role__in=targets.roles)
            .order_by("area_id")
            .values_list("user_id", "area_id")
        ):
            role_users.setdefault(user_id, area)
        for member_id in members.filter(user__in=role_users, user__is_active=True).values_list(
            "pk", flat=True
        ):
            add([(member_id, None)])
    areas = dict(members.filter(pk__in=chosen).values_list("pk", "area_code"))
    accounts = dict(
        User.objects.filter(member_id__in=areas, is_active=True).values_list("member_id", "pk")
    )
    recipients = [
        Recipient(member_id=pk, user_id=accounts.get(pk), area_code=areas[pk], grid_id=chosen[pk])
        for pk in sorted(areas)
    ]
    reached = set(accounts.values())
    others = User.objects.filter(pk__in=role_users, is_active=True).exclude(pk__in=reached)
    recipients += [
        Recipient(member_id=None, user_id=pk, area_code=role_users[pk])
        for pk in sorted(others.values_list("pk", flat=True))
    ]
    if not recipients:
        raise ValidationError({"audience": EMPTY_AUDIENCE})
    return recipients
