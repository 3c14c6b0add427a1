"""Reads of pairings, scoped: staff see their areas; an ordinary member sees their own pairings.

``household_ids_paired_with`` (visits' "my households": one member's own pairings) and
``pairings_of_households`` (flags' notifications to the paired members) are what other apps
reuse; the helpers with a leading underscore read without a user and stay in this app.
"""

from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from wangge.accounts.models import OFFICE_ROLES
from wangge.accounts.scope import (
    own_households_source,
    own_member,
    personal,
    personal_prefixes,
    prefix_q,
    require_personal_data,
    villages_of,
)
from wangge.households.models import Household
from wangge.pairing.models import MemberCap, Pairing, PairingProposal
from wangge.party.models import Member
from wangge.regions.codes import VILLAGE_LENGTH
from wangge.regions.models import Level, Region

# Every role but the ordinary member reads the pairings of its whole area.
STAFF_ROLES = {role.value for role in OFFICE_ROLES}


def _pairings_active() -> QuerySet[Pairing]:
    """Every pairing that has not ended, whoever asks: callers in this app narrow it."""
    return Pairing.objects.filter(ended_on__isnull=True)


def household_pairings(user, household) -> QuerySet[Pairing]:
    """The household's current pairings with their members, if the user sees the household."""
    own = own_member(user, "member_id")
    qs = personal(_pairings_active().filter(household=household), user, own=lambda _u: own)
    return qs.select_related("member")


@own_households_source
def households_paired_with_member(member_id: int) -> QuerySet:
    """The households a member is paired with today: theirs to see."""
    return _pairings_active().filter(member_id=member_id).values("household_id")


def household_ids_paired_with(member) -> QuerySet:
    """Ids of the households the member is paired with today."""
    return _pairings_active().filter(member=member).values("household_id")


def pairings_of_households(household_ids) -> QuerySet[Pairing]:
    """Active pairings of these households with their members (and the members' accounts)."""
    return (
        _pairings_active()
        .filter(household_id__in=household_ids)
        .select_related("member__user", "household")
    )


def staff_prefixes(user) -> list[str]:
    return personal_prefixes(user, STAFF_ROLES)


def _areas_q(field: str, prefixes: list[str]) -> Q | None:
    return reduce(or_, (prefix_q(field, p) for p in prefixes)) if prefixes else None


def _own_member_id(user) -> int | None:
    """Anyone linked to a member record reads that member's own pairings."""
    if not getattr(user, "is_authenticated", False):
        return None
    require_personal_data(user)
    return getattr(user, "member_id", None)


def pairing_scope_q(user, *, field: str = "area_code", member_field: str = "member_id") -> Q:
    """Pairings the user may read: their staff areas, plus their own as a member."""
    parts = []
    areas = _areas_q(field, staff_prefixes(user))
    if areas is not None:
        parts.append(areas)
    own = _own_member_id(user)
    if own:
        parts.append(Q(**{member_field: own}))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def pairing_list(
    user,
    *,
    member_id: int | None = None,
    household_id: int | None = None,
    area_code: str = "",
    active: bool | None = True,
) -> QuerySet:
    qs = Pairing.objects.filter(pairing_scope_q(user)).select_related(
        "member", "household", "created_by", "ended_by"
    )
    if member_id:
        qs = qs.filter(member_id=member_id)
    if household_id:
        qs = qs.filter(household_id=household_id)
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    if active is not None:
        qs = qs.filter(ended_on__isnull=active)
    return qs.order_by("area_code", "household_id", "-started_on", "-id")


def pairing_for_user(user, pk: int) -> Pairing:
    try:
        return (
            Pairing.objects.filter(pairing_scope_q(user))
            .select_related("member", "household")
            .get(pk=pk)
        )
    except Pairing.DoesNotExist as exc:
        raise Http404 from exc


def member_for_user(user, pk: int):
    """A member whose pairings the user may read: staff in their area, or oneself."""
    q = _areas_q("area_code", staff_prefixes(user))
    own = _own_member_id(user)
    if own:
        q = Q(pk=own) if q is None else q | Q(pk=own)
    if q is None:
        raise Http404
    member = (
        Member.objects.defer("id_number", "phone").filter(q).select_related("area").filter(pk=pk)
    ).first()
    if member is None:
        raise Http404
    return member


def household_for_user(user, pk: int):
    """A household whose pairings the user may read: staff in their area, or one they serve."""
    q = _areas_q("area_code", staff_prefixes(user))
    own = _own_member_id(user)
    if own:
        # Only while the pairing lasts: a member who was paired once does not keep access.
        served = Q(pk__in=_pairings_active().filter(member_id=own).values("household_id"))
        q = served if q is None else q | served
    if q is None:
        raise Http404
    household = (
        Household.objects.defer("head_id_number", "phone")
        .filter(q)
        .select_related("area")
        .filter(pk=pk)
        .first()
    )
    if household is None:
        raise Http404
    return household


def my_pairing_history(user) -> QuerySet:
    """Every pairing of the user's own member record (none for an account without one)."""
    member_id = _own_member_id(user)
    return _member_history(member_id) if member_id else Pairing.objects.none()


def _member_history(member) -> QuerySet:
    """Every pairing of a member the caller has already fetched for the user."""
    return (
        Pairing.objects.filter(member=member)
        .select_related("household", "created_by", "ended_by")
        .order_by("ended_on", "-started_on", "-id")
    )


def _household_history(household) -> QuerySet:
    """Every pairing of a household the caller has already fetched for the user."""
    return (
        Pairing.objects.filter(household=household)
        .select_related("member", "created_by", "ended_by")
        .order_by("ended_on", "-started_on", "-id")
    )


def members_with_load(user, *, village: str = "") -> QuerySet:
    """Members in the user's staff areas with their count of active pairings."""
    q = _areas_q("area_code", staff_prefixes(user))
    if q is None:
        return Member.objects.none()
    qs = Member.objects.defer("id_number", "phone").filter(q)
    if village:
        qs = qs.filter(prefix_q("area_code", village))
    return (
        qs.annotate(load=Count("pairings", filter=Q(pairings__ended_on__isnull=True)))
        .select_related("area", "pairing_cap")
        .order_by("area_code", "name", "id")
    )


def key_households_unpaired(user, *, village: str = "") -> QuerySet:
    q = _areas_q("area_code", staff_prefixes(user))
    if q is None:
        return Household.objects.none()
    qs = Household.objects.defer("head_id_number", "phone").filter(q)
    if village:
        qs = qs.filter(prefix_q("area_code", village))
    return (
        qs.filter(tags__is_key=True)
        .distinct()
        .filter(~Exists(_pairings_active().filter(household_id=OuterRef("pk"))))
        .select_related("area")
        .order_by("area_code", "head_name", "id")
    )


def villages_for_user(user) -> list:
    """Villages (and townships) the user reads, for filters and the proposal form."""
    q = _areas_q("code", staff_prefixes(user))
    if q is None:
        return []
    below = Region.objects.filter(q, level__in=[Level.VILLAGE, Level.TOWNSHIP])
    above = Region.objects.filter(level=Level.VILLAGE, code__in=villages_of(user, STAFF_ROLES))
    return list((below | above).distinct().order_by("code"))


def village_summary(user) -> list[dict]:
    """Per village in scope: key households, how many are unpaired, active pairings."""
    q = _areas_q("area_code", staff_prefixes(user))
    if q is None:
        return []
    # No .distinct() and no ordering: with either, Django adds the ordering columns to the
    # SELECT and so to the GROUP BY, and every household becomes a group of one.
    key = (
        Household.objects.filter(q, tags__is_key=True)
        .order_by()
        .annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
    )
    totals = dict(
        key.values("village").annotate(n=Count("pk", distinct=True)).values_list("village", "n")
    )
    unpaired = dict(
        key.filter(~Exists(_pairings_active().filter(household_id=OuterRef("pk"))))
        .values("village")
        .annotate(n=Count("pk", distinct=True))
        .values_list("village", "n")
    )
    pairs = dict(
        _pairings_active()
        .filter(q)
        .order_by()
        .annotate(village=Substr("area_code", 1, VILLAGE_LENGTH))
        .values("village")
        .annotate(n=Count("pk"))
        .values_list("village", "n")
    )
    names = dict(
        Region.objects.filter(code__in=set(totals) | set(pairs)).values_list("code", "name")
    )
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "key": totals.get(code, 0),
            "unpaired": unpaired.get(code, 0),
            "pairings": pairs.get(code, 0),
        }
        for code in sorted(set(totals) | set(pairs))
    ]


def proposal_for_user(user, pk: int) -> PairingProposal:
    q = _areas_q("area_code", staff_prefixes(user))
    proposal = PairingProposal.objects.filter(q, pk=pk).first() if q is not None else None
    if proposal is None:
        raise Http404
    return proposal


def _own_cap(member):
    """The member's own cap (set for ill health, say), if any."""
    return MemberCap.objects.filter(member=member).first()


def _proposal_rows(plan: dict, *, limit: int):
    """The first ``limit`` rows of each part of a proposal the caller has fetched for the user,
    with names: (member, household) to add, (pairing, reason code) to end, households left."""
    adds = plan["add"][:limit]
    ends = plan["end"][:limit]
    uncovered = plan["uncovered"][:limit]
    ended = Pairing.objects.select_related("member", "household").in_bulk([p for p, _c in ends])
    member_ids = {m for m, _h in adds}
    household_ids = {h for _m, h in adds} | set(uncovered)
    members = Member.objects.only("pk", "name", "area_code").in_bulk(member_ids)
    households = Household.objects.only("pk", "head_name", "address", "area_code").in_bulk(
        household_ids
    )
    return (
        [(members.get(m), households.get(h)) for m, h in adds],
        [(ended.get(p), c) for p, c in ends],
        [households.get(h) for h in uncovered],
    )
