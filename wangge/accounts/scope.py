"""The one place that decides what a user may see: a record is visible when its area code
starts with the code of an area the user holds a role over.

Least privilege (PIPL art. 6, 51): the three administrators' areas bound whom they administer
and show them no data (``area_prefixes`` leaves their roles out unless asked by name); an
ordinary member sees only their own part of the personal data (``personal``); only office
roles export lists (``may_export``).
"""

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from wangge.accounts.models import (
    ADMINISTRATORS,
    OFFICE_ROLES,
    ORDINARY,
    REGISTRY_WRITERS,
    Role,
)
from wangge.regions.codes import township_of, village_of

# Roles that show data at all: every role but the three administrators'.
DATA_ROLES = {r.value for r in Role} - {r.value for r in ADMINISTRATORS}
ANY_ROLE = {r.value for r in Role}


def _assignments(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_wangge_scope", None)
    if cached is None:
        cached = list(user.roles.values_list("role", "area_id"))
        user._wangge_scope = cached
    return cached


def area_prefixes(user, roles: set[str] | None = None) -> list[str]:
    """Area codes the user sees data of, reduced so that no prefix contains another.

    Without ``roles``: the areas of every role that shows data, so never an administrator's
    (ask for ``ADMINISTRATORS`` or ``ANY_ROLE`` by name for whom they administer).
    """
    roles = DATA_ROLES if roles is None else roles
    codes = sorted({area for role, area in _assignments(user) if role in roles})
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


def administered_prefixes(user) -> list[str]:
    """The areas whose accounts, roles and audit log the user administers (三员)."""
    return area_prefixes(user, {r.value for r in ADMINISTRATORS})


# --- personal data: households, people, requests, visits --------------------------------

# Sources of "the households that are this member's own" (grids and pairing fill it: the
# registry below them cannot ask them). Each takes a member id and returns household ids.
_OWN_HOUSEHOLDS: list[Callable[[int], QuerySet]] = []


def own_households_source(source: Callable[[int], QuerySet]) -> Callable[[int], QuerySet]:
    """Register a source of a member's own households (their grid's, their pairings')."""
    _OWN_HOUSEHOLDS.append(source)
    return source


def own_households(user, field: str = "pk") -> Q:
    """The member's own households: those of their grids and of their pairings."""
    member_id = getattr(user, "member_id", None)
    if not member_id or not _OWN_HOUSEHOLDS:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__in": source(member_id)}) for source in _OWN_HOUSEHOLDS))


def own_member(user, field: str = "pk") -> Q:
    """The user's own member record (an account not linked to a member has none)."""
    member_id = getattr(user, "member_id", None)
    return Q(**{field: member_id}) if member_id else Q(pk__in=[])


def office_prefixes(user) -> list[str]:
    """The areas where the user sees all personal data and may export it (an office role)."""
    return area_prefixes(user, {r.value for r in OFFICE_ROLES})


NO_PERSONAL_DATA = gettext_lazy(
    "Your roles show no households, people or requests: the system, security and audit "
    "administrators manage accounts, settings and the audit log only."
)


def require_personal_data(user) -> None:
    """403 for a signed-in user whose roles show no personal data (the three administrators),
    so every personal-data page and API route refuses them the same way, lists included.
    Personal-data selectors call it first; anonymous users are left to the login checks."""
    if getattr(user, "is_authenticated", False) and not sees_personal_data(user):
        raise PermissionDenied(NO_PERSONAL_DATA)


def personal_prefixes(user, roles: set[str]) -> list[str]:
    """``area_prefixes`` for a personal-data read: the same 403 as ``personal``."""
    require_personal_data(user)
    return area_prefixes(user, roles)


def personal(
    queryset: QuerySet, user, *, own: Callable[[object], Q] | None = None, field="area_code"
) -> QuerySet:
    """Personal data the user may read: all of it under an office role's area; under an
    ordinary member's area only what ``own(user)`` picks (nothing when no ``own`` is given);
    a 403 for the three administrators (``require_personal_data``)."""
    require_personal_data(user)
    parts = [prefix_q(field, p) for p in office_prefixes(user)]
    member_areas = area_prefixes(user, {r.value for r in ORDINARY})
    if own is not None and member_areas:
        parts.append(own(user) & reduce(or_, (prefix_q(field, p) for p in member_areas)))
    if not parts:
        return queryset.none()
    return queryset.filter(reduce(or_, parts))


def personal_or_404(
    queryset: QuerySet, user, *, own: Callable[[object], Q] | None = None, **lookup
):
    """One record of personal data if the user may read it; the same 404 either way."""
    try:
        return personal(queryset, user, own=own).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def sees_personal_data(user) -> bool:
    """Whether any personal-data page has something for the user (menus show links by it)."""
    return bool(area_prefixes(user))


def may_export(user) -> bool:
    """Whether the user may export lists (an office role): never an ordinary member or one of
    the three administrators. The one test behind every export page, command and link."""
    return bool(office_prefixes(user))
