"""Five-star rating (五星创评): a round per branch per year, moved one step at a time.

self-evaluation → peer evaluation (anonymous, with a quorum) → public evaluation (residents,
one vote per phone per member per year) → branch proposal → superior approval (never by the
member concerned) → public notice (公示) with objections answered → final.

Anonymity of the peer step is kept by the schema: a ballot row holds only a keyed hash of the
voter (for the one-ballot rule) and the tallies hold only counts; no row, timeline entry or
audit event ties a voter to what they ticked.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, visible
from wangge.assessment.models import (
    STAR_KINDS,
    STEP_ORDER,
    PublicRating,
    StarAward,
    StarCriterion,
    StarKind,
    StarObjection,
    StarPeerBallot,
    StarPeerTally,
    StarPublicVote,
    StarRound,
    StarRoundEvent,
    StarSelf,
    StarStep,
)
from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import DomainError
from wangge.core.identity import IdentityError, parse_phone
from wangge.party.models import Member, Organisation
from wangge.regions.models import Region

# Who runs a branch's round, and who approves it for the township.
BRANCH_ROLES = {Role.VILLAGE_SECRETARY.value, Role.TOWNSHIP_ADMIN.value}
TOWNSHIP_ROLES = {Role.TOWNSHIP_ADMIN.value}

DEFAULT_CRITERIA = {
    StarKind.STUDY: "按时参加组织生活和“三会一课”，认真学习党的理论和政策。",
    StarKind.PERFORMANCE: "履行网格职责，走访联系户按时，为群众办成实事。",
    StarKind.SERVICE: "热心为群众服务，群众诉求及时回应、办理满意。",
    StarKind.DISCIPLINE: "遵纪守法，带头移风易俗，无违纪违法行为。",
    StarKind.INTEGRITY: "弘扬正气，敢于担当，在急难险重任务中冲在前面。",
}


def has_role_over(user, roles: set[str], area_code: str) -> bool:
    return any(area_code.startswith(p) for p in area_prefixes(user, roles))


def may_run_round(user, round_: StarRound) -> bool:
    return has_role_over(user, BRANCH_ROLES, round_.area_code)


def may_approve(user, round_: StarRound) -> bool:
    return has_role_over(user, TOWNSHIP_ROLES, round_.area_code)


def _clean_kinds(kinds) -> list[str]:
    chosen = [k for k in STAR_KINDS if k in set(kinds or [])]
    unknown = set(kinds or []) - set(STAR_KINDS)
    if unknown:
        raise DomainError(_("Unknown star: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))})
    return chosen


def _event(round_: StarRound, step: str, actor, note: str = "") -> StarRoundEvent:
    return StarRoundEvent.objects.create(
        round=round_, step=step, at=timezone.now(), actor=actor if actor else None, note=note
    )


def _move(round_: StarRound, *, expected: str, to: str, **changes) -> StarRound:
    """Conditional update: only from the expected step, so two people cannot both move it."""
    moved = StarRound.objects.filter(pk=round_.pk, step=expected).update(step=to, **changes)
    if not moved:
        round_.refresh_from_db()
        raise DomainError(
            _("This round is at the step “%(step)s”, so this cannot be done now.")
            % {"step": round_.get_step_display()},
            code="conflict",
        )
    round_.refresh_from_db()
    return round_


def _require_step(round_: StarRound, step: str) -> None:
    if round_.step != step:
        raise DomainError(
            _("This round is at the step “%(step)s”; “%(wanted)s” is not open.")
            % {"step": round_.get_step_display(), "wanted": StarStep(step).label}
        )


# --- criteria -----------------------------------------------------------------------------


def criteria_for(township_code: str, year: int) -> dict[str, str]:
    """Each star's criteria for the year: the township's text, or the default wording."""
    written = dict(
        StarCriterion.objects.filter(township_id=township_code, year=year).values_list(
            "kind", "text"
        )
    )
    return {k: written.get(k) or str(DEFAULT_CRITERIA[StarKind(k)]) for k in STAR_KINDS}


@transaction.atomic
def criteria_set(*, actor, township: Region, year: int, texts: dict[str, str]) -> None:
    if not has_role_over(actor, TOWNSHIP_ROLES, township.code):
        raise DomainError(_("Only the township office edits the star criteria."), code="forbidden")
    if any("\x00" in (texts.get(k) or "") for k in STAR_KINDS):
        raise DomainError(_("The request contains a NUL character (\\0); remove it and try again."))
    missing = [StarKind(k).label for k in STAR_KINDS if not (texts.get(k) or "").strip()]
    if missing:
        raise DomainError(
            _("Write the criteria of every star; missing: %(stars)s.")
            % {"stars": "、".join(str(m) for m in missing)}
        )
    for kind in STAR_KINDS:
        StarCriterion.objects.update_or_create(
            township=township,
            year=year,
            kind=kind,
            defaults={"text": texts[kind].strip()[:2000], "updated_by": actor},
        )
    audit_record(
        actor=actor,
        action="stars.criteria_set",
        object_type="assessment.starcriterion",
        object_id=f"{township.code}:{year}",
        area_code=township.code,
    )


# --- rounds -------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    actor,
    organisation: Organisation,
    year: int,
    quorum_percent: int = 50,
    notice_days: int = 5,
) -> StarRound:
    if not has_role_over(actor, BRANCH_ROLES, organisation.area_code):
        raise DomainError(_("Only the branch secretary or the township office opens a round."))
    if not 1 <= quorum_percent <= 100:
        raise DomainError(_("The peer quorum is a share of the branch from 1 to 100 per cent."))
    if not 1 <= notice_days <= 30:
        raise DomainError(_("The public notice lasts from 1 to 30 days."))
    if not Member.objects.filter(organisation=organisation).exists():
        raise DomainError(_("This organisation has no members of its own to rate."))
    round_ = StarRound(
        organisation=organisation,
        year=year,
        quorum_percent=quorum_percent,
        notice_days=notice_days,
    )
    round_.set_area(organisation.area)
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError:
        raise DomainError(
            _("%(branch)s already has a five-star round for %(year)s.")
            % {"branch": organisation.name, "year": year}
        ) from None
    _event(round_, StarStep.SELF, actor, _("Round opened: members evaluate themselves."))
    audit_record(actor=actor, action="stars.round_open", obj=round_, detail={"year": year})
    return round_


@transaction.atomic
def round_advance(*, actor, round_: StarRound, expected: str) -> StarRoundEvent:
    """Close self-, peer- or public evaluation and open the next step (the branch's call)."""
    if not may_run_round(actor, round_):
        raise DomainError(_("Only the branch secretary moves the round on."), code="forbidden")
    if expected not in (StarStep.SELF, StarStep.PEER, StarStep.PUBLIC):
        raise DomainError(_("This step ends by its own action (proposal, approval or notice)."))
    to = STEP_ORDER[STEP_ORDER.index(expected) + 1]
    note = ""
    if expected == StarStep.PEER and not peer_quorum_reached(round_):
        note = _("Peer quorum not reached: the peer evaluation does not count.")
    _move(round_, expected=expected, to=to)
    audit_record(actor=actor, action="stars.round_advance", obj=round_, detail={"to": to})
    return _event(round_, to, actor, note)


def branch_members(round_: StarRound) -> QuerySet:
    return Member.objects.filter(organisation_id=round_.organisation_id).order_by("name", "pk")


def _member_in_round(actor, round_: StarRound) -> Member:
    member = getattr(actor, "member", None)
    if member is None or member.organisation_id != round_.organisation_id:
        raise DomainError(
            _("Only members of %(branch)s take part in this step.")
            % {"branch": round_.organisation.name},
            code="forbidden",
        )
    return member


@transaction.atomic
def star_self_evaluate(*, actor, round_: StarRound, kinds, reason: str) -> StarSelf:
    member = _member_in_round(actor, round_)
    _require_step(round_, StarStep.SELF)
    kinds = _clean_kinds(kinds)
    reason = (reason or "").strip()
    if not kinds:
        raise DomainError(_("Tick at least one star you think you have earned."))
    if not reason:
        raise DomainError(_("Write a short reason: what did you do this year?"))
    if len(reason) > 500:
        raise DomainError(_("Keep the reason under 500 characters."))
    own, _created = StarSelf.objects.update_or_create(
        round=round_,
        member=member,
        defaults={"kinds": kinds, "reason": reason, "at": timezone.now()},
    )
    audit_record(actor=actor, action="stars.self_evaluate", obj=round_, detail={"kinds": kinds})
    return own


def _voter_hash(round_: StarRound, member: Member) -> str:
    return blind_index(f"{round_.pk}:{member.pk}", purpose="star-peer")


def has_peer_voted(actor, round_: StarRound) -> bool:
    member = getattr(actor, "member", None)
    if member is None:
        return False
    return StarPeerBallot.objects.filter(
        round=round_, voter_hash=_voter_hash(round_, member)
    ).exists()


def peer_quorum(round_: StarRound) -> int:
    return max(1, math.ceil(branch_members(round_).count() * round_.quorum_percent / 100))


def peer_quorum_reached(round_: StarRound) -> bool:
    return round_.peer_ballots >= peer_quorum(round_)


@transaction.atomic
def star_peer_vote(*, actor, round_: StarRound, choices: dict[int, list[str]]) -> int:
    """One anonymous ballot: for each fellow member, the stars the voter thinks they earned.
    Returns the number of stars ticked. Nothing about the voter is stored but a keyed hash."""
    voter = _member_in_round(actor, round_)
    _require_step(round_, StarStep.PEER)
    fellow = set(branch_members(round_).exclude(pk=voter.pk).values_list("pk", flat=True))
    ticks: list[tuple[int, str]] = []
    for member_id, kinds in choices.items():
        if member_id == voter.pk:
            raise DomainError(_("You cannot rate yourself in the peer evaluation."))
        if member_id not in fellow:
            raise DomainError(_("You can rate only members of your own branch."))
        ticks.extend((member_id, k) for k in _clean_kinds(kinds))
    try:
        with transaction.atomic():
            StarPeerBallot.objects.create(round=round_, voter_hash=_voter_hash(round_, voter))
    except IntegrityError:
        raise DomainError(_("You have already voted in this peer evaluation.")) from None
    # Every member's every star has its counter before any is bumped: rows created only for
    # what a voter ticked would let the order of row ids tell what the first voter chose.
    StarPeerTally.objects.bulk_create(
        [
            StarPeerTally(round=round_, member_id=m, kind=k, votes=0)
            for m in sorted(fellow | {voter.pk})
            for k in STAR_KINDS
        ],
        ignore_conflicts=True,
    )
    for kind in STAR_KINDS:
        ids = [m for m, k in ticks if k == kind]
        if ids:
            StarPeerTally.objects.filter(round=round_, kind=kind, member_id__in=ids).update(
                votes=F("votes") + 1
            )
    StarRound.objects.filter(pk=round_.pk).update(peer_ballots=F("peer_ballots") + 1)
    round_.refresh_from_db(fields=["peer_ballots"])
    # No audit row and no timeline row: either would tie the voter to the moment of the counts.
    return len(ticks)


def phone_hash(phone: str) -> str:
    return blind_index(phone, purpose="star-public-vote")


def normal_phone(raw: str) -> str:
    try:
        return parse_phone(raw or "")
    except IdentityError as exc:
        raise DomainError(str(exc)) from None


@transaction.atomic
def star_public_vote(
    *, round_: StarRound, member: Member, phone: str, rating: str
) -> StarPublicVote:
    """A resident's rating of one member: one per phone per member per year."""
    _require_step(round_, StarStep.PUBLIC)
    if member.organisation_id != round_.organisation_id:
        raise Http404
    if rating not in PublicRating.values:
        raise DomainError(_("Choose how satisfied you are with this member."))
    phone = normal_phone(phone)
    try:
        with transaction.atomic():
            vote = StarPublicVote.objects.create(
                round=round_,
                member=member,
                year=round_.year,
                phone_hash=phone_hash(phone),
                rating=rating,
                at=timezone.now(),
            )
    except IntegrityError:
        raise DomainError(
            _("This phone has already rated %(name)s in %(year)s. Each phone rates once a year.")
            % {"name": member.name, "year": round_.year}
        ) from None
    audit_record(
        actor=None,
        action="stars.public_vote",
        obj=round_,
        detail={"member": member.pk, "rating": rating},
    )
    return vote


@transaction.atomic
def star_propose(*, actor, round_: StarRound, proposals: dict[int, list[str]], note: str = ""):
    """The branch's proposal: the stars of each member; goes to the township for approval."""
    if not may_run_round(actor, round_):
        raise DomainError(_("Only the branch secretary proposes the stars."), code="forbidden")
    _require_step(round_, StarStep.PROPOSAL)
    members = set(branch_members(round_).values_list("pk", flat=True))
    rows = []
    for member_id, kinds in proposals.items():
        if member_id not in members:
            raise DomainError(_("You can propose stars only for members of this branch."))
        rows.extend(
            StarAward(round=round_, member_id=member_id, year=round_.year, kind=k)
            for k in _clean_kinds(kinds)
        )
    StarAward.objects.filter(round=round_).delete()
    StarAward.objects.bulk_create(rows)
    _move(round_, expected=StarStep.PROPOSAL, to=StarStep.APPROVAL)
    audit_record(actor=actor, action="stars.propose", obj=round_, detail={"stars": len(rows)})
    return _event(
        round_,
        StarStep.APPROVAL,
        actor,
        note.strip()[:300] or _("%(n)s stars proposed.") % {"n": len(rows)},
    )


@transaction.atomic
def round_approve(*, actor, round_: StarRound, note: str = "") -> StarRoundEvent:
    """The township approves the proposal and the public notice starts."""
    if not may_approve(actor, round_):
        raise DomainError(_("Only the township office approves the stars."), code="forbidden")
    _require_step(round_, StarStep.APPROVAL)
    member_id = getattr(actor, "member_id", None)
    if member_id and StarAward.objects.filter(round=round_, member_id=member_id).exists():
        raise DomainError(
            _(
                "You cannot approve a proposal that gives you stars: another township "
                "officer must approve it."
            ),
            code="forbidden",
        )
    ends = timezone.now() + datetime.timedelta(days=round_.notice_days)
    _move(round_, expected=StarStep.APPROVAL, to=StarStep.NOTICE, notice_ends=ends)
    audit_record(actor=actor, action="stars.approve", obj=round_)
    text = note.strip()[:200] or _("Approved.")
    ends_text = timezone.localtime(ends).strftime("%Y-%m-%d %H:%M")
    return _event(
        round_,
        StarStep.NOTICE,
        actor,
        _("%(note)s Public notice until %(ends)s.") % {"note": text, "ends": ends_text},
    )


@transaction.atomic
def round_return(*, actor, round_: StarRound, note: str) -> StarRoundEvent:
    """The township sends the proposal back to the branch with a reason."""
    if not may_approve(actor, round_):
        raise DomainError(_("Only the township office approves the stars."), code="forbidden")
    if not (note or "").strip():
        raise DomainError(_("Say why the proposal goes back, so the branch can fix it."))
    _move(round_, expected=StarStep.APPROVAL, to=StarStep.PROPOSAL)
    audit_record(actor=actor, action="stars.return", obj=round_)
    return _event(round_, StarStep.PROPOSAL, actor, note.strip()[:300])


def notice_open(round_: StarRound, now=None) -> bool:
    now = now or timezone.now()
    return round_.step == StarStep.NOTICE and round_.notice_ends and now <= round_.notice_ends


@transaction.atomic
def objection_raise(
    *, round_: StarRound, text: str, member: Member | None = None, phone: str = "", actor=None
) -> StarObjection:
    _require_step(round_, StarStep.NOTICE)
    if not notice_open(round_):
        ends = timezone.localtime(round_.notice_ends).strftime("%Y-%m-%d %H:%M")
        raise DomainError(
            _("The public notice ended on %(ends)s; objections are no longer taken.")
            % {"ends": ends}
        )
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write what you object to."))
    if len(text) > 1000:
        raise DomainError(_("Keep the objection under 1000 characters."))
    if member is not None and member.organisation_id != round_.organisation_id:
        raise Http404
    hashed = phone_hash(normal_phone(phone)) if phone else ""
    objection = StarObjection.objects.create(
        round=round_, member=member, text=text, phone_hash=hashed, at=timezone.now()
    )
    audit_record(actor=actor, action="stars.objection", obj=round_, detail={"id": objection.pk})
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: StarObjection, answer: str) -> StarObjection:
    round_ = objection.round
    if not may_approve(actor, round_):
        raise DomainError(_("Only the township office answers objections."), code="forbidden")
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the answer to the objection."))
    done = StarObjection.objects.filter(pk=objection.pk, answered_at__isnull=True).update(
        answer=answer[:2000], answered_at=timezone.now(), answered_by=actor
    )
    if not done:
        raise DomainError(_("This objection has already been answered."), code="conflict")
    objection.refresh_from_db()
    audit_record(actor=actor, action="stars.objection_answer", obj=round_)
    return objection


@transaction.atomic
def round_finalize(*, actor, round_: StarRound) -> StarRoundEvent:
    if not may_approve(actor, round_):
        raise DomainError(_("Only the township office makes the stars final."), code="forbidden")
    _require_step(round_, StarStep.NOTICE)
    if notice_open(round_):
        ends = timezone.localtime(round_.notice_ends).strftime("%Y-%m-%d %H:%M")
        raise DomainError(
            _("The public notice runs until %(ends)s; the stars become final after it.")
            % {"ends": ends}
        )
    open_ = StarObjection.objects.filter(round=round_, answered_at__isnull=True).count()
    if open_:
        raise DomainError(
            _("Answer the %(n)s open objections before the stars become final.") % {"n": open_}
        )
    _move(round_, expected=StarStep.NOTICE, to=StarStep.FINAL)
    audit_record(actor=actor, action="stars.finalize", obj=round_)
    return _event(round_, StarStep.FINAL, actor, _("The stars are final."))


# --- reads --------------------------------------------------------------------------------


def rounds_for_user(user) -> QuerySet:
    return visible(StarRound.objects.select_related("organisation", "area"), user)


def round_for_user(user, pk: int) -> StarRound:
    round_ = rounds_for_user(user).filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


@dataclass
class MemberLine:
    member: Member
    self_kinds: list[str] = field(default_factory=list)
    self_reason: str = ""
    peer: dict[str, int] = field(default_factory=dict)
    public: dict[str, int] = field(default_factory=dict)
    awards: list[str] = field(default_factory=list)

    @property
    def public_total(self) -> int:
        return sum(self.public.values())

    @property
    def satisfied_percent(self) -> int | None:
        if not self.public_total:
            return None
        good = self.public.get("satisfied", 0) + self.public.get("basic", 0)
        return round(100 * good / self.public_total)


def round_lines(round_: StarRound) -> list[MemberLine]:
    """Per member: self ticks, peer counts (aggregates only), public ratings, proposed stars."""
    lines = {m.pk: MemberLine(member=m) for m in branch_members(round_)}
    for own in StarSelf.objects.filter(round=round_):
        if own.member_id in lines:
            lines[own.member_id].self_kinds = own.kinds
            lines[own.member_id].self_reason = own.reason
    for member_id, kind, votes in StarPeerTally.objects.filter(round=round_).values_list(
        "member_id", "kind", "votes"
    ):
        if member_id in lines:
            lines[member_id].peer[kind] = votes
    public = (
        StarPublicVote.objects.filter(round=round_)
        .values_list("member_id", "rating")
        .annotate(n=Count("pk"))
    )
    for member_id, rating, n in public:
        if member_id in lines:
            lines[member_id].public[rating] = n
    for member_id, kind in StarAward.objects.filter(round=round_).values_list("member_id", "kind"):
        if member_id in lines:
            lines[member_id].awards.append(kind)
    return list(lines.values())


def stars_by_year(member: Member) -> dict[int, list[str]]:
    """A member's final stars per year, newest first."""
    out: dict[int, list[str]] = defaultdict(list)
    awards = StarAward.objects.filter(member=member, round__step=StarStep.FINAL).order_by(
        "-year", "kind"
    )
    for year, kind in awards.values_list("year", "kind"):
        out[year].append(kind)
    return {y: [k for k in STAR_KINDS if k in kinds] for y, kinds in out.items()}


def my_round(user, year: int | None = None) -> StarRound | None:
    member = getattr(user, "member", None)
    if member is None:
        return None
    qs = StarRound.objects.filter(organisation_id=member.organisation_id).select_related(
        "organisation"
    )
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year").first()
