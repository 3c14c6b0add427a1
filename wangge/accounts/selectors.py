from django.db.models import Q, QuerySet

from wangge.accounts.models import RoleAssignment, User
from wangge.accounts.scope import visible


def users_for_admin(admin) -> QuerySet:
    """Accounts holding a role inside the admin's areas, and accounts with no role yet."""
    in_scope = visible(RoleAssignment.objects.all(), admin, field="area__code").values("user_id")
    return (
        User.objects.filter(Q(pk__in=in_scope) | Q(roles__isnull=True))
        .distinct()
        .order_by("username")
    )


def assignments_for_admin(admin) -> QuerySet:
    return (
        visible(RoleAssignment.objects.all(), admin, field="area__code")
        .select_related("user", "area")
        .order_by("area_id", "role", "user__username")
    )
