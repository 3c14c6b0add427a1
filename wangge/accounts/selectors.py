"""Reads for the three administrators' pages, each scoped to the administrator's areas."""

from django.db.models import Q, QuerySet

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.scope import administered_prefixes, in_areas
from wangge.audit.models import AuditEvent


def users_for_admin(admin) -> QuerySet:
    """Accounts holding a role inside the admin's areas, and accounts with no role yet."""
    in_scope = in_areas(
        RoleAssignment.objects.all(), administered_prefixes(admin), field="area__code"
    ).values("user_id")
    return (
        User.objects.filter(Q(pk__in=in_scope) | Q(roles__isnull=True))
        .distinct()
        .order_by("username")
    )


def assignments_for_admin(admin) -> QuerySet:
    return (
        in_areas(RoleAssignment.objects.all(), administered_prefixes(admin), field="area__code")
        .select_related("user", "area")
        .order_by("area_id", "role", "user__username")
    )


def audit_events_for_admin(admin, *, action: str = "") -> QuerySet:
    """The audit log the administrator may read: events in their areas and account-level events
    (logins), which have no area; newest first, optionally those whose action starts so."""
    events = AuditEvent.objects.select_related("actor")
    events = in_areas(events.exclude(area_code=""), administered_prefixes(admin)) | events.filter(
        area_code=""
    )
    if action:
        events = events.filter(action__startswith=action)
    return events.order_by("-id")
