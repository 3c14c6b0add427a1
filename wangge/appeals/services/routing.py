"""Routing: which grid and first responsible person an appeal goes to."""

from dataclasses import dataclass

from wangge.grids.models import Grid, GridHousehold


@dataclass(frozen=True)
class Route:
    grid: Grid | None
    member: object | None  # party.Member

    @property
    def level(self) -> int | None:
        return self.grid.level if self.grid is not None else None


def route_from_grid(grid: Grid | None) -> Route:
    """The grid itself when it has a first responsible person, else the nearest one above."""
    first = grid
    seen: set[int] = set()
    current = grid
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.responsible_id:
            return Route(grid=current, member=current.responsible)
        current = (
            Grid.objects.select_related("responsible").filter(pk=current.parent_id).first()
            if current.parent_id
            else None
        )
    return Route(grid=first, member=None)


def route_for_household(household) -> Route:
    """The household's grid in the four-level service layer (L4, or L3 when L4 has nobody)."""
    assignment = (
        GridHousehold.objects.filter(household=household, layer__has_levels=True)
        .select_related("grid__responsible")
        .first()
    )
    return route_from_grid(assignment.grid if assignment else None)


def _user_of(member):
    if member is None:
        return None
    try:
        return member.user
    except Exception:  # RelatedObjectDoesNotExist: the member has no account
        return None
