"""Writes for grids: creation, edits, household assignment, merging and auto-splitting."""

import math
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from wangge.accounts.scope import can_write_registry, prefix_q
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError
from wangge.core.identity import IdentityError, mask_phone, parse_phone
from wangge.grids.models import Grid, GridHousehold, GridLayer, GridMember, Person
from wangge.households.models import Household
from wangge.party.models import Member
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Level, Region

# slug, Chinese name, English name, target households per grid, four levels
SEED_LAYERS = [
    ("service", "服务网格", "Service grid", 30, True),
    ("epidemic", "防疫网格", "Epidemic grid", 30, False),
    ("governance", "综治网格", "Governance grid", 40, False),
]


def grid_layers_seed() -> list[GridLayer]:
    layers = []
    for sort, (slug, name, name_en, target, levels) in enumerate(SEED_LAYERS):
        layer, _created = GridLayer.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "target_size": target,
                "has_levels": levels,
                "sort": sort,
            },
        )
        layers.append(layer)
    return layers


def _village_or_wider(code: str) -> str:
    """The village of a code, or the code itself for a township-wide grid."""
    return village_of(code) or code


def _check_responsible(*, area: Region, level: int | None, responsible: Member | None) -> None:
    if responsible is None:
        return
    # Level-1 service grids are led from the township; every other grid from its own village.
    village = village_of(area.code)
    home_prefix = village if village and level != 1 else township_of(area.code) or area.code
    if not responsible.area_code.startswith(home_prefix):
        raise ValidationError(
            {
                "responsible": _(
                    "%(name)s lives outside this grid's village; choose someone from %(area)s."
                )
                % {"name": responsible.name, "area": area.name}
            }
        )


def _check_grid_fields(
    *, layer: GridLayer, name: str, area: Region | None, level: int | None, parent: Grid | None
) -> None:
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Give the grid a name, e.g. the hamlet and a number.")
    if area is None:
        errors["area"] = _("A grid needs an area: choose the village, hamlet or group it covers.")
    if layer.has_levels and level not in (1, 2, 3, 4):
        errors["level"] = _("A service grid has a level from 1 (township) to 4 (members).")
    if not layer.has_levels and level is not None:
        errors["level"] = _("Only service grids have levels.")
    if parent is not None and area is not None:
        if parent.layer_id != layer.pk:
            errors["parent"] = _("The grid above must be in the same layer.")
        elif not area.code.startswith(_village_or_wider(parent.area_code)):
            errors["parent"] = _("The grid above must be in the same village.")
        elif level is not None and parent.level is not None and parent.level != level - 1:
            errors["parent"] = _("The grid above must be exactly one level higher.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def grid_create(
    *,
    actor,
    layer: GridLayer,
    name: str,
    area: Region | None,
    level: int | None = None,
    parent: Grid | None = None,
    responsible: Member | None = None,
) -> Grid:
    _check_grid_fields(layer=layer, name=name, area=area, level=level, parent=parent)
    assert area is not None
    _check_responsible(area=area, level=level, responsible=responsible)
    grid = Grid(layer=layer, name=name.strip(), level=level, parent=parent, responsible=responsible)
    grid.set_area(area)
    grid.save()
    audit_record(actor=actor, action="grid.create", obj=grid)
    return grid


@transaction.atomic
def grid_update(
    *,
    actor,
    grid: Grid,
    expected_version: int,
    name: str,
    responsible: Member | None,
    parent: Grid | None = None,
) -> Grid:
    _check_grid_fields(layer=grid.layer, name=name, area=grid.area, level=grid.level, parent=parent)
    _check_responsible(area=grid.area, level=grid.level, responsible=responsible)
    changed = Grid.objects.filter(pk=grid.pk, version=expected_version).update(
        name=name.strip(), responsible=responsible, parent=parent, version=F("version") + 1
    )
    if changed != 1:
        raise ConflictError(
            _("Someone else changed this grid while you were editing. Reload and try again.")
        )
    grid.refresh_from_db()
    audit_record(actor=actor, action="grid.update", obj=grid)
    return grid


def _grid_prefixes(grid: Grid) -> list[str]:
    return [grid.area_code, *grid.extra_areas.values_list("code", flat=True)]


@transaction.atomic
def grid_assign_households(*, actor, grid: Grid, households: Iterable[Household]) -> int:
    """Put households into this grid, moving them out of any other grid of the same layer."""
    households = list(households)
    prefixes = _grid_prefixes(grid)
    outside = [h for h in households if not any(h.area_code.startswith(p) for p in prefixes)]
    if outside:
        raise ValidationError(
            _("%(name)s's household is outside this grid's area; reassign it to a grid there.")
            % {"name": outside[0].head_name}
        )
    ids = [h.pk for h in households]
    moved = GridHousehold.objects.filter(layer=grid.layer, household_id__in=ids).exclude(grid=grid)
    moved_count = moved.update(grid=grid)
    have = set(
        GridHousehold.objects.filter(layer=grid.layer, household_id__in=ids).values_list(
            "household_id", flat=True
        )
    )
    GridHousehold.objects.bulk_create(
        [GridHousehold(layer=grid.layer, grid=grid, household_id=i) for i in ids if i not in have]
    )
    added = len(ids) - len(have)
    audit_record(
        actor=actor,
        action="grid.assign",
        obj=grid,
        detail={"households": len(ids), "moved": moved_count, "added": added},
    )
    return len(ids)


@transaction.atomic
def grid_add_member(*, actor, grid: Grid, member: Member, duty: str = "") -> GridMember:
    _check_responsible(area=grid.area, level=grid.level, responsible=member)
    membership, _created = GridMember.objects.get_or_create(
        grid=grid, member=member, defaults={"duty": duty}
    )
    audit_record(actor=actor, action="grid.member_add", obj=grid, detail={"member": member.pk})
    return membership


@transaction.atomic
def grid_merge(*, actor, target: Grid, sources: Iterable[Grid]) -> Grid:
    """Fold grids into ``target``: their households, members and sub-grids move; they go."""
    sources = [s for s in sources if s.pk != target.pk]
    for source in sources:
        same_village = _village_or_wider(source.area_code) == _village_or_wider(target.area_code)
        if source.layer_id != target.layer_id or not same_village:
            raise ValidationError(
                _("Only grids of the same layer and village can be merged; %(name)s is not.")
                % {"name": source.name}
            )
        if source.level != target.level:
            raise ValidationError(_("Only grids of the same level can be merged."))
    source_ids = [s.pk for s in sources]
    GridHousehold.objects.filter(grid_id__in=source_ids).update(grid=target)
    existing = set(target.memberships.values_list("member_id", flat=True))
    for membership in GridMember.objects.filter(grid_id__in=source_ids):
        if membership.member_id not in existing:
            GridMember.objects.create(
                grid=target, member_id=membership.member_id, duty=membership.duty
            )
            existing.add(membership.member_id)
    Grid.objects.filter(parent_id__in=source_ids).update(parent=target)
    extra = {s.area_id for s in sources if not s.area_code.startswith(target.area_code)}
    if extra:
        target.extra_areas.add(*extra)
    Grid.objects.filter(pk__in=source_ids).delete()
    Grid.objects.filter(pk=target.pk).update(version=F("version") + 1)
    audit_record(actor=actor, action="grid.merge", obj=target, detail={"merged": source_ids})
    target.refresh_from_db()
    return target


def split_plan(group_sizes: list[tuple[str, int]], target: int) -> list[list[tuple[str, int, int]]]:
    """Pack villager groups, in order, into grids near ``target`` households.

    A group stays whole unless it alone exceeds twice the target; then it is cut into
    near-equal runs. Returns, per grid, (group code, start index, count) slices.
    """
    if target < 1:
        raise ValidationError(_("The target size must be at least 1 household."))
    grids: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    filled = 0
    for code, size in group_sizes:
        if size == 0:
            continue
        if size > 2 * target:
            if current:
                grids.append(current)
                current, filled = [], 0
            parts = math.ceil(size / target)
            base, rest = divmod(size, parts)
            start = 0
            for i in range(parts):
                count = base + (1 if i < rest else 0)
                grids.append([(code, start, count)])
                start += count
            continue
        if current and filled + size > target * 1.25:
            grids.append(current)
            current, filled = [], 0
        current.append((code, 0, size))
        filled += size
    if current:
        grids.append(current)
    return grids


@transaction.atomic
def grid_auto_split(*, actor, layer: GridLayer, hamlet: Region, target_size: int) -> list[Grid]:
    """Divide a hamlet's households into grids of about ``target_size``, groups kept together."""
    if layer.has_levels:
        raise ValidationError(_("Service grids follow the four levels; split them by hand."))
    if hamlet.level != Level.HAMLET:
        raise ValidationError(_("Auto-split works on one hamlet at a time."))
    households = list(
        Household.objects.filter(prefix_q("area_code", hamlet.code))
        .order_by("area_code", "id")
        .values_list("id", "area_code")
    )
    by_group: dict[str, list[int]] = {}
    for pk, code in households:
        by_group.setdefault(code, []).append(pk)
    plan = split_plan([(code, len(ids)) for code, ids in by_group.items()], target_size)
    existing = list(
        Grid.objects.filter(prefix_q("area_code", hamlet.code), layer=layer)
        .annotate(people=Count("memberships"))
        .order_by("name", "id")
    )
    grids: list[Grid] = []
    for number, slices in enumerate(plan, start=1):
        if existing:
            grid = existing.pop(0)
        else:
            grid = Grid(layer=layer, name=f"{hamlet.name}{number}号网格")
            grid.set_area(hamlet)
            grid.save()
        ids = [pk for code, start, count in slices for pk in by_group[code][start : start + count]]
        GridHousehold.objects.filter(layer=layer, household_id__in=ids).delete()
        GridHousehold.objects.bulk_create(
            [GridHousehold(layer=layer, grid=grid, household_id=pk) for pk in ids]
        )
        grids.append(grid)
    # Surplus grids: drop the empty ones nobody serves; keep (empty) those with people.
    for grid in existing:
        if grid.people == 0 and grid.responsible_id is None:
            grid.delete()
    audit_record(
        actor=actor,
        action="grid.auto_split",
        object_type="regions.region",
        object_id=hamlet.code,
        area_code=hamlet.code,
        detail={"layer": layer.slug, "target": target_size, "grids": len(grids)},
    )
    return grids


def _person_fields(*, name: str, phone: str, area: Region | None, household, member) -> dict:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the person's name.")
    elif len(name) > 50:
        errors["name"] = _("A name can have at most 50 characters.")
    if area is None:
        errors["area"] = _("Choose the village, hamlet or group the person serves in.")
    clean_phone = ""
    if phone and str(phone).strip():
        try:
            clean_phone = parse_phone(phone, allow_landline=True)
        except IdentityError as exc:
            errors["phone"] = str(exc)
    if area is not None:
        village = village_of(area.code) or area.code
        if household is not None and not household.area_code.startswith(village):
            errors["household"] = _("The household must be in the person's village.")
        if member is not None and not member.area_code.startswith(township_of(area.code) or ""):
            errors["member"] = _("The member must be of the person's township.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "phone": clean_phone,
        "phone_masked": mask_phone(clean_phone),
        "household": household,
        "member": member,
    }


def person_create(
    *, actor, name: str, area: Region, phone: str = "", household=None, member=None
) -> Person:
    fields = _person_fields(name=name, phone=phone, area=area, household=household, member=member)
    if not can_write_registry(actor, area.code):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    with transaction.atomic():
        person = Person(created_by=actor, **fields)
        person.set_area(area)
        person.save()
        audit_record(actor=actor, action="grids.person_create", obj=person)
    return person


def person_update(
    *,
    actor,
    person: Person,
    expected_version: int,
    name: str,
    area: Region,
    phone: str = "",
    household=None,
    member=None,
) -> Person:
    """Save an edit only if nobody changed the person since ``expected_version`` was read."""
    fields = _person_fields(name=name, phone=phone, area=area, household=household, member=member)
    if not (can_write_registry(actor, person.area_code) and can_write_registry(actor, area.code)):
        raise PermissionDenied(_("Only the township office or the village secretary may do this."))
    with transaction.atomic():
        changed = Person.objects.filter(pk=person.pk, version=expected_version).update(
            area=area,
            area_code=area.code,
            township_code=township_of(area.code) or area.code,
            version=F("version") + 1,
            **fields,
        )
        if changed != 1:
            raise ConflictError(
                _("Someone else changed this person meanwhile. Reload the page and edit again.")
            )
        person.refresh_from_db()
        audit_record(actor=actor, action="grids.person_update", obj=person)
    return person


def grid_qr_key(grid: Grid) -> str:
    """The grid's key, made once (conditional update: two printers at once get the same key)."""
    if grid.qr_key:
        return grid.qr_key
    Grid.objects.filter(pk=grid.pk, qr_key__isnull=True).update(qr_key=secrets.token_urlsafe(12))
    grid.qr_key = Grid.objects.filter(pk=grid.pk).values_list("qr_key", flat=True).get()
    return grid.qr_key
