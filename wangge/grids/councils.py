"""Councils (S10): a hamlet's environment council (环境理事会) and a village's five-elders
council (五老议事会), their rosters of people and members with a role, and which hamlets
have one. A council is a ``party.Organisation`` of kind council; its area is a hamlet (an
environment council) or a village (the five elders)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wangge.accounts.scope import (
    can_write_registry,
    personal,
    prefix_q,
    require_personal_data,
    visible,
)
from wangge.audit.services import audit_record
from wangge.grids.models import CouncilSeat, Person
from wangge.party.models import Member, Organisation, OrgCategory, OrgKind
from wangge.party.services import organisation_create
from wangge.regions.codes import village_of
from wangge.regions.models import Level, Region

ROLES = ["会长", "副会长", "理事", "监事", "成员"]
ENVIRONMENT_SUFFIX = "环境理事会"


# --- reads -----------------------------------------------------------------------------


def council_list(user, *, area_code: str = "") -> QuerySet:
    """The councils the user sees, with how many seats each roster has."""
    # Rosters name people: the office roles see them, an ordinary member none (``personal``).
    qs = personal(Organisation.objects.filter(kind=OrgKind.COUNCIL), user).select_related("area")
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    return qs.annotate(seat_count=Count("seats")).order_by("area_code", "name", "id")


def council_for_user(user, pk: int) -> Organisation:
    council = council_list(user).filter(pk=pk).first()
    if council is None:
        raise Http404
    return council


def council_seats(council: Organisation) -> QuerySet:
    """The roster of a council the caller has already fetched for the user."""
    return (
        CouncilSeat.objects.filter(council=council)
        .select_related("person", "member")
        .only("role", "person__name", "member__name", "council_id")
        .order_by("id")
    )


@dataclass
class VillageCoverage:
    village: Region
    hamlets: int
    with_council: int
    with_roster: int

    @property
    def without_council(self) -> int:
        return self.hamlets - self.with_council


def _hamlets(user, village_code: str = "") -> QuerySet:
    require_personal_data(user)  # the lists lead to rosters of people
    qs = visible(Region.objects.filter(level=Level.HAMLET), user, field="code")
    if village_code:
        qs = qs.filter(prefix_q("code", village_code))
    councils = Organisation.objects.filter(kind=OrgKind.COUNCIL, area_code=OuterRef("code"))
    staffed = councils.filter(Exists(CouncilSeat.objects.filter(council=OuterRef("pk"))))
    return qs.annotate(has_council=Exists(councils), has_roster=Exists(staffed)).order_by("code")


def council_coverage(user) -> list[VillageCoverage]:
    """Per village in the user's scope: hamlets, those with a council, those whose council has
    a roster. Two queries, however many villages."""
    villages = visible(Region.objects.filter(level=Level.VILLAGE), user, field="code").order_by(
        "code"
    )
    rows = {v.code: VillageCoverage(v, 0, 0, 0) for v in villages}
    for code, has_council, has_roster in _hamlets(user).values_list(
        "code", "has_council", "has_roster"
    ):
        row = rows.get(village_of(code) or "")
        if row is None:
            continue
        row.hamlets += 1
        row.with_council += bool(has_council)
        row.with_roster += bool(has_roster)
    return list(rows.values())


HAMLET_LISTS = {"with": Q(has_council=True), "without": Q(has_council=False)}


def hamlets_by_council(user, *, village_code: str, which: str) -> QuerySet:
    """The hamlets of a village (or every village in scope) with or without a council."""
    if which not in HAMLET_LISTS:
        raise Http404
    return _hamlets(user, village_code).filter(HAMLET_LISTS[which]).select_related("parent")


def councils_of_hamlets(codes: list[str]) -> dict[str, Organisation]:
    found = Organisation.objects.filter(kind=OrgKind.COUNCIL, area_code__in=codes).annotate(
        seat_count=Count("seats")
    )
    return {c.area_code: c for c in found.order_by("id")}


# --- writes ----------------------------------------------------------------------------


def may_change_council(user, council: Organisation) -> bool:
    return can_write_registry(user, council.area_code)


def _require_write(actor, area_code: str) -> None:
    if not can_write_registry(actor, area_code):
        raise PermissionDenied(
            _(
                "Only the township office, or the village secretary for their own village, may "
                "change councils."
            )
        )


def council_create(*, actor, hamlet: Region, name: str = "") -> Organisation:
    """Found an environment council for a hamlet that has none."""
    _require_write(actor, hamlet.code)
    if hamlet.level != Level.HAMLET:
        raise ValidationError(_("An environment council belongs to one hamlet."))
    with transaction.atomic():
        if Organisation.objects.filter(kind=OrgKind.COUNCIL, area_code=hamlet.code).exists():
            raise ValidationError(_("%(hamlet)s already has a council.") % {"hamlet": hamlet.name})
        return organisation_create(
            actor=actor,
            name=(name or "").strip() or f"{hamlet.name}{ENVIRONMENT_SUFFIX}",
            kind=OrgKind.COUNCIL,
            category=OrgCategory.VILLAGE,
            area=hamlet,
            parent=None,
        )


def seat_add(
    *,
    actor,
    council: Organisation,
    role: str,
    person: Person | None = None,
    member: Member | None = None,
) -> CouncilSeat:
    """Seat a person or a member on a council with a role; someone seated already is an error."""
    _require_write(actor, council.area_code)
    role = (role or "").strip()
    errors: dict[str, str] = {}
    if (person is None) == (member is None):
        errors["person"] = _("Choose either a person who serves or a Party member, one of the two.")
    if not role:
        errors["role"] = _("Give the role on the council, e.g. 会长 or 理事.")
    elif len(role) > 30:
        errors["role"] = _("A role can have at most 30 characters.")
    village = village_of(council.area_code) or council.area_code
    who = person or member
    if who is not None and not who.area_code.startswith(village):
        errors["person" if person else "member"] = _(
            "%(name)s is not from this council's village; choose someone from there."
        ) % {"name": who.name}
    if errors:
        raise ValidationError(errors)
    twice = ValidationError(
        _("%(name)s is already on this council.") % {"name": who.name}  # type: ignore[union-attr]
    )
    same = Q(person=person) if person is not None else Q(member=member)
    try:
        with transaction.atomic():
            if CouncilSeat.objects.filter(same, council=council).exists():
                raise twice
            seat = CouncilSeat.objects.create(
                council=council, person=person, member=member, role=role
            )
            audit_record(
                actor=actor,
                action="council.seat_add",
                obj=council,
                detail={
                    "person": getattr(person, "pk", None),
                    "member": getattr(member, "pk", None),
                    "role": role,
                },
            )
    except IntegrityError as exc:
        raise twice from exc
    return seat


@transaction.atomic
def seat_remove(*, actor, council: Organisation, seat_id: int) -> None:
    _require_write(actor, council.area_code)
    deleted, _rows = CouncilSeat.objects.filter(council=council, pk=seat_id).delete()
    if not deleted:
        raise ValidationError(_("This seat is not on the council's roster (any more)."))
    audit_record(actor=actor, action="council.seat_remove", obj=council, detail={"seat": seat_id})
