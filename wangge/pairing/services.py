"""Writes for pairings: by hand, through the optimiser's proposals, and the rules behind them."""

import hashlib
import time
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, can_write_registry, prefix_q
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError, DomainError
from wangge.households.models import Household
from wangge.pairing.models import (
    MemberCap,
    Pairing,
    PairingProposal,
    PairingRules,
    PairingSource,
    ProposalStatus,
)
from wangge.pairing.rules import caps_for, costs_of, rules_for
from wangge.pairing.solver import solve
from wangge.party.models import Member
from wangge.regions.codes import TOWNSHIP_LENGTH, township_of, village_of
from wangge.regions.models import Level, Region

# Why the optimiser ends a pairing (stored as codes in the plan, written out when applied).
END_MEMBER_CAP_ZERO = "cap_zero"
END_OVER_CAP = "over_cap"
END_MOVED = "moved"


def end_reason_text(code: str) -> str:
    return {
        END_MEMBER_CAP_ZERO: _("The member may carry no households now (mobile, age or own cap)."),
        END_OVER_CAP: _("The member carries more households than the cap allows."),
        END_MOVED: _("Moved by the optimiser to a member living nearer or with more room."),
    }.get(code, code)


def require_pairing_write(user, area_code: str) -> None:
    if not can_write_registry(user, area_code):
        raise PermissionDenied(_("Your role may read these pairings but not change them."))


def _today():
    return timezone.localdate()


def _village_key(code: str) -> str:
    """The village of a code; a township organ's member (a township code) is a pool of its own."""
    return village_of(code) or code


# --- by hand -------------------------------------------------------------------------------


def member_load(member) -> int:
    return Pairing.objects.filter(member=member, ended_on__isnull=True).count()


def pairing_create(*, actor, member: Member, household: Household) -> Pairing:
    """Pair a member with a household by hand, within the member's cap."""
    require_pairing_write(actor, household.area_code)
    if member.township_code != household.township_code:
        raise ValidationError({"member": _("Choose a member of the household's own township.")})
    rules = rules_for(household.township_code)
    if not rules.allow_other_village and _village_key(member.area_code) != _village_key(
        household.area_code
    ):
        raise ValidationError(
            {
                "member": _(
                    "Choose a member of the household's own village: this township's pairing "
                    "rules do not pair across villages."
                )
            }
        )
    cap = caps_for([member], rules, _today())[member.pk]
    with transaction.atomic():
        # Lock the member's row so two staff pairing the same member cannot both pass the cap.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if Pairing.objects.filter(
            member=member, household=household, ended_on__isnull=True
        ).exists():
            raise DomainError(_("This member is already paired with this household."))
        load = member_load(member)
        if load >= cap:
            raise DomainError(
                _(
                    "%(name)s already carries %(load)d households and may carry at most %(cap)d; "
                    "end one of their pairings or choose another member."
                )
                % {"name": member.name, "load": load, "cap": cap}
            )
        pairing = Pairing(
            member=member,
            household=household,
            started_on=_today(),
            source=PairingSource.MANUAL,
            created_by=actor,
        )
        pairing.set_area(household.area)
        try:
            with transaction.atomic():
                pairing.save()
        except IntegrityError as exc:
            raise ConflictError(_("Someone paired them a moment ago; reload the page.")) from exc
        audit_record(
            actor=actor,
            action="pairing.create",
            obj=pairing,
            detail={"member": member.pk, "household": household.pk},
        )
    return pairing


def pairing_end(*, actor, pairing: Pairing, reason: str) -> Pairing:
    """End a pairing with a reason; the row is kept as history."""
    require_pairing_write(actor, pairing.area_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pairing ends.")})
    today = max(_today(), pairing.started_on)
    with transaction.atomic():
        changed = Pairing.objects.filter(pk=pairing.pk, ended_on__isnull=True).update(
            ended_on=today, ended_by=actor, end_reason=reason[:200]
        )
        if not changed:
            raise ConflictError(_("This pairing has already ended."))
        pairing.refresh_from_db()
        audit_record(actor=actor, action="pairing.end", obj=pairing, detail={"reason": reason})
    return pairing


# --- rules and own caps --------------------------------------------------------------------

RULE_FIELDS = [
    "cap_default",
    "older_age",
    "cap_older",
    "oldest_age",
    "cap_oldest",
    "cap_mobile",
    "cost_group",
    "cost_hamlet",
    "cost_village",
    "cost_other_village",
    "allow_other_village",
]


def can_edit_rules(user, township_code: str) -> bool:
    return any(township_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN}))


def rules_update(*, actor, township_code: str, expected_version: int, values: dict) -> PairingRules:
    if not can_edit_rules(actor, township_code):
        raise PermissionDenied(_("Only the township's administrators change the pairing rules."))
    values = {k: values[k] for k in RULE_FIELDS if k in values}
    merged = {f: getattr(rules_for(township_code), f) for f in RULE_FIELDS} | values
    errors = {}
    if merged["cost_group"] < 1:
        errors["cost_group"] = _("Costs start at 1; keeping a pairing costs 0.")
    if not (
        merged["cost_group"]
        <= merged["cost_hamlet"]
        <= merged["cost_village"]
        <= merged["cost_other_village"]
    ):
        errors["cost_village"] = _(
            "Nearer must cost less: villager group ≤ hamlet ≤ village ≤ another village."
        )
    if merged["oldest_age"] < merged["older_age"]:
        errors["oldest_age"] = _("The oldest band must start at or above the older band.")
    for name in RULE_FIELDS:
        if name != "allow_other_village" and not 0 <= int(merged[name]) <= 1000:
            errors[name] = _("Enter a number from 0 to 1000.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rules, created = PairingRules.objects.get_or_create(
            township_code=township_code, defaults={**merged, "updated_by": actor}
        )
        if not created:
            changed = PairingRules.objects.filter(pk=rules.pk, version=expected_version).update(
                **merged, updated_by=actor, updated_at=timezone.now(), version=F("version") + 1
            )
            if not changed:
                raise ConflictError(
                    _("Someone else changed the rules while you were editing; reload and retry.")
                )
            rules.refresh_from_db()
        audit_record(
            actor=actor,
            action="pairing.rules_update",
            obj=rules,
            area_code=township_code,
            detail={k: merged[k] for k in RULE_FIELDS},
        )
    return rules


CAP_SETTERS = {Role.TOWNSHIP_ADMIN, Role.VILLAGE_SECRETARY}


def can_set_cap(user, member: Member) -> bool:
    return any(member.area_code.startswith(p) for p in area_prefixes(user, CAP_SETTERS))


def member_cap_set(*, actor, member: Member, cap: int | None, reason: str = "") -> MemberCap | None:
    """Give a member their own cap (e.g. ill health), or clear it with ``cap=None``."""
    if not can_set_cap(actor, member):
        raise PermissionDenied(_("Only the village secretary or township office sets a cap."))
    reason = (reason or "").strip()
    with transaction.atomic():
        if cap is None:
            MemberCap.objects.filter(member=member).delete()
            audit_record(actor=actor, action="pairing.cap_clear", obj=member)
            return None
        if not 0 <= cap <= 50:
            raise ValidationError({"cap": _("Enter a number from 0 to 50.")})
        if not reason:
            raise ValidationError({"reason": _("Say why this member has a cap of their own.")})
        own, _created = MemberCap.objects.update_or_create(
            member=member, defaults={"cap": cap, "reason": reason[:200], "set_by": actor}
        )
        audit_record(
            actor=actor, action="pairing.cap_set", obj=member, detail={"cap": cap, "reason": reason}
        )
    return own


# --- the optimiser's proposals -------------------------------------------------------------


def _scope_region(area_code: str) -> Region:
    region = Region.objects.filter(code=area_code).first()
    if region is None or region.level not in (Level.VILLAGE, Level.TOWNSHIP):
        raise ValidationError({"area_code": _("Choose a village or a township.")})
    return region


def _relevant_pairings(area_code: str, member_ids):
    """Active pairings the run reads: of the scope's households or of its members."""
    return Pairing.objects.filter(
        Q(prefix_q("area_code", area_code)) | Q(member_id__in=member_ids),
        ended_on__isnull=True,
        township_code=township_of(area_code),
    )


def _fingerprint(pairing_ids, rules: PairingRules, member_ids) -> str:
    """What a proposal read: the active pairings, the rules' version and members' own caps."""
    own = sorted(MemberCap.objects.filter(member_id__in=member_ids).values_list("member_id", "cap"))
    digest = hashlib.sha256(f"rules:{rules.pk}:{rules.version}\n{own}\n".encode())
    digest.update(",".join(map(str, sorted(pairing_ids))).encode())
    return digest.hexdigest()


def _scope_members(area_code: str):
    qs = Member.objects.filter(township_code=township_of(area_code))
    if len(area_code) > TOWNSHIP_LENGTH:
        qs = qs.filter(prefix_q("area_code", area_code))
    return qs.only("pk", "name", "area_code", "birth_date", "is_mobile")


def compute_plan(area_code: str, *, today=None) -> dict:
    """Run the optimiser for a village or township; the plan, counts and shortfalls."""
    today = today or _today()
    rules = rules_for(township_of(area_code))
    members = list(_scope_members(area_code))
    caps = caps_for(members, rules, today)
    member_index = {m.pk: i for i, m in enumerate(members)}
    key_households = list(
        Household.objects.filter(prefix_q("area_code", area_code), tags__is_key=True)
        .distinct()
        .order_by("area_code", "pk")
        .values_list("pk", "area_code")
    )
    key_ids = {pk for pk, _a in key_households}
    pairings = list(
        _relevant_pairings(area_code, list(member_index))
        .order_by("started_on", "pk")
        .values_list("pk", "member_id", "household_id", "area_code")
    )
    fingerprint = _fingerprint([p[0] for p in pairings], rules, list(member_index))
    cap_of_member = defaultdict(int, caps)

    ends: list[list] = []
    primary: dict[int, tuple[int, int]] = {}  # household → (pairing, member)
    external: set[int] = set()
    untouched_load: dict[int, int] = defaultdict(int)
    active_pairs: dict[tuple[int, int], int] = {}
    for pk, member_id, household_id, area in pairings:
        active_pairs[(member_id, household_id)] = pk
        in_scope_member = member_id in member_index
        # A member who may carry none loses the pairings of this scope (others are not ours).
        if in_scope_member and cap_of_member[member_id] == 0 and area.startswith(area_code):
            ends.append([pk, END_MEMBER_CAP_ZERO])
            continue
        if household_id in key_ids and household_id not in primary:
            if in_scope_member:
                primary[household_id] = (pk, member_id)
            elif household_id not in external:
                external.add(household_id)  # a member from outside the village covers it
            continue
        if in_scope_member:
            untouched_load[member_id] += 1

    demand = [(pk, area) for pk, area in key_households if pk not in external]
    h_index = {pk: i for i, (pk, _a) in enumerate(demand)}
    remaining = [max(0, caps[m.pk] - untouched_load[m.pk]) for m in members]
    keep_m, keep_h = [], []
    for household_id, (_pk, member_id) in primary.items():
        if household_id in h_index:
            keep_m.append(member_index[member_id])
            keep_h.append(h_index[household_id])
    started = time.perf_counter()
    solution = solve(
        [m.area_code for m in members],
        remaining,
        [a for _pk, a in demand],
        keep_m,
        keep_h,
        costs_of(rules),
    )
    seconds = time.perf_counter() - started

    adds, keeps = [], []
    for i, (household_id, _area) in enumerate(demand):
        m = int(solution.assignment[i])
        old = primary.get(household_id)
        member_id = members[m].pk if m >= 0 else None
        if old and old[1] == member_id:
            keeps.append(old[0])
            continue
        if old:
            ends.append([old[0], END_MOVED if member_id else END_OVER_CAP])
        if member_id is None:
            continue
        if (member_id, household_id) in active_pairs:
            keeps.append(active_pairs[(member_id, household_id)])  # an extra becomes the one
        else:
            adds.append([member_id, household_id])

    uncovered = [demand[i][0] for i in solution.uncovered.tolist()]
    return {
        "fingerprint": fingerprint,
        "add": adds,
        "end": ends,
        "keep": keeps,
        "uncovered": uncovered,
        "shortfalls": _shortfalls(members, remaining, demand, uncovered, external),
        "cost": solution.cost,
        "seconds": seconds,
    }


def _shortfalls(members, remaining, demand, uncovered, external) -> list[dict]:
    """Per village with uncovered households: how many need a member and the room members have."""
    if not uncovered:
        return []
    need: dict[str, int] = defaultdict(int)
    for _pk, area in demand:
        need[_village_key(area)] += 1
    room: dict[str, int] = defaultdict(int)
    for m, r in zip(members, remaining, strict=True):
        room[_village_key(m.area_code)] += r
    short: dict[str, int] = defaultdict(int)
    areas = dict(demand)
    for pk in uncovered:
        short[_village_key(areas[pk])] += 1
    names = dict(Region.objects.filter(code__in=list(short)).values_list("code", "name"))
    return [
        {
            "village": code,
            "name": names.get(code, code),
            "key_households": need[code],
            "capacity": room[code],
            "uncovered": n,
        }
        for code, n in sorted(short.items())
    ]


def proposal_create(*, actor, area_code: str) -> PairingProposal:
    """Compute and store a proposal for a village or the township (nothing changes yet)."""
    region = _scope_region(area_code)
    require_pairing_write(actor, region.code)
    plan = compute_plan(region.code)
    proposal = PairingProposal(
        fingerprint=plan.pop("fingerprint"),
        plan=plan,
        adds=len(plan["add"]),
        ends=len(plan["end"]),
        keeps=len(plan["keep"]),
        uncovered=len(plan["uncovered"]),
        cost=plan["cost"],
        seconds=plan["seconds"],
        created_by=actor,
    )
    proposal.set_area(region)
    proposal.save()
    return proposal


def proposal_apply(*, actor, proposal: PairingProposal) -> PairingProposal:
    """Apply a proposal in one transaction; refused when the pairings changed since."""
    require_pairing_write(actor, proposal.area_code)
    try:
        with transaction.atomic():
            _apply(actor, proposal)
    except _Stale:
        PairingProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.OPEN).update(
            status=ProposalStatus.STALE
        )
        raise ConflictError(
            _(
                "The pairings changed after this proposal was computed; "
                "propose again to see the current differences."
            )
        ) from None
    proposal.refresh_from_db()
    return proposal


def load_counts(member_ids) -> dict[int, int]:
    return dict(
        Pairing.objects.filter(member_id__in=member_ids, ended_on__isnull=True)
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )


class _Stale(Exception):
    pass


def _apply(actor, proposal: PairingProposal) -> None:
    today = _today()
    members = list(_scope_members(proposal.area_code).values_list("pk", flat=True))
    current = _relevant_pairings(proposal.area_code, members).values_list("pk", flat=True)
    rules = rules_for(township_of(proposal.area_code))
    if _fingerprint(list(current), rules, members) != proposal.fingerprint:
        raise _Stale
    claimed = PairingProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.OPEN).update(
        status=ProposalStatus.APPLIED, applied_by=actor, applied_at=timezone.now()
    )
    if not claimed:
        raise ConflictError(_("This proposal was already applied or is out of date."))
    plan = proposal.plan
    by_reason: dict[str, list[int]] = defaultdict(list)
    for pk, code in plan["end"]:
        by_reason[code].append(pk)
    ended = 0
    for code, ids in by_reason.items():
        ended += Pairing.objects.filter(pk__in=ids, ended_on__isnull=True).update(
            ended_on=today, ended_by=actor, end_reason=end_reason_text(code)[:200]
        )
    if ended != len(plan["end"]):
        raise ConflictError(_("Some pairings changed while applying; propose again."))
    households = Household.objects.only("pk", "area_code", "township_code").in_bulk(
        [h for _m, h in plan["add"]]
    )
    rows = []
    for member_id, household_id in plan["add"]:
        household = households.get(household_id)
        if household is None:
            raise ConflictError(_("A household was removed meanwhile; propose again."))
        rows.append(
            Pairing(
                member_id=member_id,
                household_id=household_id,
                area_id=household.area_code,
                area_code=household.area_code,
                township_code=household.township_code,
                started_on=today,
                source=PairingSource.OPTIMISER,
                created_by=actor,
            )
        )
    try:
        with transaction.atomic():
            Pairing.objects.bulk_create(rows, batch_size=500)
    except IntegrityError as exc:
        raise ConflictError(_("Some pairings changed while applying; propose again.")) from exc
    audit_record(
        actor=actor,
        action="pairing.proposal_apply",
        obj=proposal,
        detail={"added": len(rows), "ended": ended, "kept": len(plan["keep"])},
    )
