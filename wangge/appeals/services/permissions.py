"""Who may act on an appeal: the assignee, village and township handlers, and who may not grade
their own work."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.appeals.models import Appeal, EventKind

# Roles that handle any appeal in their area (besides the person it is assigned to).
HANDLERS = {
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_LEADER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
}
# Roles that take requests arriving on the township phone line.
PHONE_LINE_STAFF = {Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER}


def is_assignee(user, appeal: Appeal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if appeal.assignee_user_id and appeal.assignee_user_id == user.pk:
        return True
    return bool(appeal.assignee_member_id and appeal.assignee_member_id == user.member_id)


def can_handle(user, appeal: Appeal) -> bool:
    """The assignee, or a township/village handler over the request's area."""
    if is_assignee(user, appeal):
        return True
    return any(appeal.area_code.startswith(p) for p in area_prefixes(user, HANDLERS))


def require_handle(user, appeal: Appeal) -> None:
    if not can_handle(user, appeal):
        raise PermissionDenied(
            _("Only the person responsible or the village and township staff can act on it.")
        )


def did_the_work(user, appeal: Appeal) -> bool:
    """The user holds the request or wrote its latest resolution: they may not grade it."""
    if is_assignee(user, appeal):
        return True
    resolver = (
        appeal.events.filter(kind=EventKind.RESOLVED)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    return resolver is not None and resolver == getattr(user, "pk", None)


def require_independent(user, appeal: Appeal) -> None:
    """A rating is the resident's word: the person who did the work cannot record it."""
    if did_the_work(user, appeal):
        raise PermissionDenied(
            _(
                "The person who resolved a request cannot rate it or close it unrated: the "
                "resident rates it on the tracking page, or other village or township staff "
                "record the resident's answer."
            )
        )


def can_take_phone_calls(user) -> bool:
    return bool(area_prefixes(user, PHONE_LINE_STAFF))
