"""Who does what with notices and feedback (roles over an area; the scope funnel decides the
records)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.regions.codes import TOWNSHIP_LENGTH, VILLAGE_LENGTH

# Send notices and answer feedback: the township office, village secretaries and committees.
SENDERS = {Role.TOWNSHIP_ADMIN, Role.VILLAGE_SECRETARY, Role.VILLAGE_COMMITTEE}
# Read the notices sent in their area, their reach, and the feedback queue.
READERS = SENDERS | {Role.TOWNSHIP_LEADER}


def sender_areas(user) -> list[str]:
    """The township or village codes the user may send notices over."""
    return [p for p in area_prefixes(user, SENDERS) if len(p) in (TOWNSHIP_LENGTH, VILLAGE_LENGTH)]


def require_sender(user, area_code: str) -> None:
    if area_code not in sender_areas(user):
        raise PermissionDenied(
            _("Only the township office or the village's secretary may send notices here.")
        )


def may_send_urgent(user, area_code: str) -> bool:
    return any(area_code.startswith(p) for p in area_prefixes(user, {Role.TOWNSHIP_ADMIN}))


def is_reader(user) -> bool:
    return bool(area_prefixes(user, READERS))


def can_handle(user, area_code: str) -> bool:
    """Answer, close and turn into a request or opinion the feedback addressed to this area."""
    return any(area_code.startswith(p) for p in area_prefixes(user, SENDERS))


def require_handle(user, area_code: str) -> None:
    if not can_handle(user, area_code):
        raise PermissionDenied(_("Only the staff this feedback was written to may do this."))
