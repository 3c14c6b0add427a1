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


def flag_accept(*, actor, flag: Flag, needs: str = "", responsible=None):
    """Accept a raised flag and open an assistance plan for the household; returns the plan."""
    require_review(actor, flag.area_code)
    with transaction.atomic():
        _decide(actor=actor, flag=flag, to=FlagStatus.ACCEPTED)
        audit_record(actor=actor, action="flags.flag_accept", obj=flag)
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
            responsible=responsible,
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
