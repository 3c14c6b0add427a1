"""Staff decide on a raised flag: accept it (an assistance plan opens) or dismiss it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.assistance.services import plan_create
from wangge.audit.services import audit_record
from wangge.core.errors import ConflictError
from wangge.flags.models import Flag, FlagStatus
from wangge.flags.services.base import require_review
from wangge.flags.services.notify import notify_paired
from wangge.households.services import household_tags_change
from wangge.pairing.selectors import pairings_of_households
from wangge.regions.codes import village_of


def _decide(*, actor, flag: Flag, to: str, reason: str = "") -> None:
    changed = Flag.objects.filter(pk=flag.pk, status=FlagStatus.RAISED).update(
        status=to, decided_by=actor, decided_at=timezone.now(), reason=reason
    )
    if not changed:
        current = Flag.objects.filter(pk=flag.pk).values_list("status", flat=True).first()
        raise ConflictError(
            _("Someone else has already decided on this flag (it is now %(s)s).")
            % {"s": FlagStatus(current).label if current else _("gone")}
        )
    flag.refresh_from_db()


def _paired_member(household):
    """The member paired with the household, if one of its own village (a plan's rule)."""
    village = village_of(household.area_code) or household.area_code
    for pairing in pairings_of_households([household.pk]).order_by("started_on", "id"):
        if pairing.member.area_code.startswith(village):
            return pairing.member
    return None


def flag_accept(*, actor, flag: Flag, needs: str = "", responsible=None):
    """Accept a raised flag: the household takes the rule's tag (through the households
    service, with the flag as the reason) and an assistance plan opens, with the paired member
    responsible unless another is named. Returns the plan. All or nothing: a flag that someone
    else decided, or that a re-evaluation lapsed meanwhile, is refused with nothing stored."""
    require_review(actor, flag.area_code)
    with transaction.atomic():
        _decide(actor=actor, flag=flag, to=FlagStatus.ACCEPTED)
        tags = []
        if flag.rule.tag_slug:
            tags = household_tags_change(
                actor=actor,
                household=flag.household,
                add=[flag.rule.tag_slug],
                reason=_("Risk flag %(rule)s accepted") % {"rule": flag.rule.name},
                source=f"flags.flag:{flag.pk}",
            )
        audit_record(actor=actor, action="flags.flag_accept", obj=flag, detail={"tags": tags})
        notify_paired(
            [flag.household_id],
            lambda pairing: (
                _("An assistance plan was opened for %(name)s's household")
                % {"name": pairing.household.head_name},
                _("The risk flag %(rule)s was confirmed; the plan lists the steps and who helps.")
                % {"rule": flag.rule.name},
            ),
        )
        plan = plan_create(
            actor=actor,
            household=flag.household,
            flag=flag,
            needs=needs or flag.rule.name,
            responsible=responsible or _paired_member(flag.household),
        )
    return plan


def flag_dismiss(*, actor, flag: Flag, reason: str) -> Flag:
    require_review(actor, flag.area_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the flag is dismissed.")})
    with transaction.atomic():
        _decide(actor=actor, flag=flag, to=FlagStatus.DISMISSED, reason=reason[:2000])
        audit_record(actor=actor, action="flags.flag_dismiss", obj=flag, detail={"reason": reason})
        notify_paired(
            [flag.household_id],
            lambda pairing: (
                _("The risk flag for %(name)s's household was dismissed")
                % {"name": pairing.household.head_name},
                _("Reason given: %(reason)s") % {"reason": reason},
            ),
        )
    return flag
