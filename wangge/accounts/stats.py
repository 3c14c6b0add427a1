from django.db.models import Count

from wangge.accounts.models import Role, RoleAssignment
from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider


@stat_provider
def user_stats(area_code, today) -> dict:
    """Active accounts per role (an account holding a role twice counts once for it)."""
    assignments = RoleAssignment.objects.filter(user__is_active=True)
    if area_code:
        assignments = assignments.filter(prefix_q("area__code", area_code))
    counts = dict(
        assignments.values_list("role").annotate(n=Count("user", distinct=True)).order_by()
    )
    return {"users_by_role": {role: counts.get(role, 0) for role in Role.values}}
