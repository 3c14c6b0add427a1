"""The one place that decides what a user may see: a record is visible when its area code
starts with the code of an area the user holds a role over."""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from wangge.accounts.models import REGISTRY_WRITERS, Role
from wangge.regions.codes import township_of, village_of


def _assignments(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_wangge_scope", None)
    if cached is None:
        cached = list(user.roles.values_list("role", "area_id"))
        user._wangge_scope = cached
    return cached


def area_prefixes(user, roles: set[str] | None = None) -> list[str]:
    """Area codes the user sees, reduced so that no prefix contains another."""
    codes = sorted({area for role, area in _assignments(user) if roles is None or role in roles})
    reduced: list[str] = []
    for code in codes:
        if not any(code.startswith(kept) for kept in reduced):
            reduced.append(code)
    return reduced


def townships_of(user, roles: set[str] | None = None) -> list[str]:
    """The township codes under the user's areas (a role over a whole county names none)."""
    return sorted({t for p in area_prefixes(user, roles) if (t := township_of(p))})


def villages_of(user, roles: set[str] | None = None) -> list[str]:
    """The village codes of the user's village-or-narrower areas."""
    return sorted({v for p in area_prefixes(user, roles) if (v := village_of(p))})


def _successor(code: str) -> str | None:
    """The next code of the same length (``3408272002`` → ``3408272003``), None past all 9s."""
    if not code.isdigit():
        return None
    number = str(int(code) + 1).zfill(len(code))
    return number if len(number) == len(code) else None


def prefix_q(field: str, prefix: str) -> Q:
    """Codes under ``prefix`` as a range, so one B-tree index serves the filter and the
    ordering (a LIKE prefix cannot use it under a non-C collation such as C.UTF-8)."""
    upper = _successor(prefix)
    if upper is None:
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def in_areas(queryset: QuerySet, prefixes: list[str], *, field: str = "area_code") -> QuerySet:
    """Records under any of the area codes (nothing when there are none)."""
    if not prefixes:
        return queryset.none()
    return queryset.filter(reduce(or_, (prefix_q(field, p) for p in prefixes)))


def visible(queryset: QuerySet, user, *, field: str = "area_code") -> QuerySet:
    """Filter a queryset of area-scoped records to the user's scope (nothing when none)."""
    return in_areas(queryset, area_prefixes(user), field=field)


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    """The object if it exists and is in scope; the same 404 either way."""
    try:
        return visible(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def can_see_area(user, area_code: str) -> bool:
    return any(area_code.startswith(p) for p in area_prefixes(user))


def can_write_registry(user, area_code: str) -> bool:
    return any(area_code.startswith(p) for p in area_prefixes(user, REGISTRY_WRITERS))


def has_role(user, *roles: Role) -> bool:
    return any(role in roles for role, _area in _assignments(user))


def role_set(user) -> set[str]:
    """The roles a user holds anywhere (for showing the right menu, never for data access)."""
    return {role for role, _area in _assignments(user)}
