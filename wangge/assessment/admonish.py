"""Admonishment (S11): a score under the township's threshold opens a talk (约谈) in the
discipline committee's queue, an admonition talk (诫勉谈话) when the member already had one
within the scheme's window; the committee records it to done (date, who, notes, outcome).

The member concerned sees that an item exists and its outcome, never the internal notes.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas
from wangge.assessment.models import Talk, TalkKind, TalkStatus
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError
from wangge.core.periods import PeriodError, parse_period

# Who holds the talks; who else reads the queue (the township's leaders).
TALK_HOLDERS = {Role.DISCIPLINE}
QUEUE_READERS = {Role.DISCIPLINE, Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER}


def _start_of(period_key: str) -> datetime.date | None:
    try:
        return parse_period(period_key).start
    except PeriodError:
        return None


def talks_open_for(*, scores, scheme, period) -> int:
    """Open a talk for each member score under the threshold that has none for the period
    (called inside the computation's transaction); a recomputed score is linked again."""
    if not scores:
        return 0
    member_ids = [s.member_id for s in scores]
    existing = {
        t.member_id: t for t in Talk.objects.filter(period_key=period.key, member_id__in=member_ids)
    }
    earlier: dict[int, list[datetime.date]] = {}
    for member_id, key in (
        Talk.objects.filter(member_id__in=member_ids).exclude(period_key=period.key)
    ).values_list("member_id", "period_key"):
        start = _start_of(key)
        if start is not None:
            earlier.setdefault(member_id, []).append(start)
    window = datetime.timedelta(days=scheme.repeat_days)
    opened = 0
    for score in scores:
        talk = existing.get(score.member_id)
        if talk is not None:
            Talk.objects.filter(pk=talk.pk).update(score=score, score_value=score.score)
            continue
        repeated = any(
            period.start - window <= start < period.start
            for start in earlier.get(score.member_id, [])
        )
        talk = Talk(
            member_id=score.member_id,
            score=score,
            period_key=period.key,
            score_value=score.score,
            kind=TalkKind.ADMONITION if repeated else TalkKind.TALK,
            area_id=score.area_id,
            area_code=score.area_code,
            township_code=score.township_code,
        )
        talk.save()
        opened += 1
    return opened


def talk_close(
    *,
    actor,
    talk: Talk,
    held_on: datetime.date | None,
    held_by: str,
    notes: str,
    outcome: str,
    expected_version: int,
) -> Talk:
    """Record the talk as held: the date, who held it, notes and the outcome (required)."""
    if not any(talk.area_code.startswith(p) for p in area_prefixes(actor, TALK_HOLDERS)):
        raise PermissionDenied(_("Only the discipline committee may record a talk."))
    errors = {}
    outcome = (outcome or "").strip()
    held_by = (held_by or "").strip()
    if not outcome:
        errors["outcome"] = _("Write down the outcome of the talk before closing it.")
    if held_on is None:
        errors["held_on"] = _("Give the date the talk was held.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("The talk cannot be held in the future.")
    if not held_by:
        errors["held_by"] = _("Say who held the talk.")
    if talk.status == TalkStatus.DONE:
        errors["outcome"] = _("This talk is already recorded as done.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        changed = Talk.objects.filter(
            pk=talk.pk, version=expected_version, status=TalkStatus.OPEN
        ).update(
            status=TalkStatus.DONE,
            held_on=held_on,
            held_by=held_by[:100],
            notes=(notes or "").strip()[:5000],
            outcome=outcome[:5000],
            closed_by=actor,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        if changed != 1:
            raise ConflictError(
                _("Someone else changed this talk meanwhile. Reload the page and try again.")
            )
        talk.refresh_from_db()
        audit_record(
            actor=actor,
            action="assessment.talk_close",
            obj=talk,
            area_code=talk.area_code,
            detail={"held_on": held_on.isoformat()},
        )
    return talk


def talk_list(user, *, status: str = "") -> "object":
    """Talks in the queue readers' areas, and the member's own (whatever their role)."""
    qs = in_areas(Talk.objects.all(), area_prefixes(user, QUEUE_READERS))
    member_id = getattr(user, "member_id", None)
    if member_id:
        qs = Talk.objects.filter(Q(pk__in=qs.values("pk")) | Q(member_id=member_id))
    qs = qs.select_related("member", "area")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-period_key", "-id")


def queue_talks(user):
    """The discipline committee's (and township leaders') talks of their areas."""
    qs = in_areas(Talk.objects.all(), area_prefixes(user, QUEUE_READERS))
    return qs.select_related("member", "area").order_by("status", "-period_key", "-id")


def reads_queue(user, talk: Talk) -> bool:
    return any(talk.area_code.startswith(p) for p in area_prefixes(user, QUEUE_READERS))
