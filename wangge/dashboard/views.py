from django.shortcuts import redirect, render

from wangge.accounts.scope import role_set, sees_personal_data
from wangge.dashboard.overview import overview_figures
from wangge.visits.selectors import is_cadre

ADMIN_HOMES = [
    ("system_admin", "accounts:user_index"),
    ("security_admin", "accounts:role_index"),
    ("audit_admin", "audit:event_index"),
]


def overview(request):
    # Members without any other role work on phones: "/" is their field home.
    if role_set(request.user) == {"member"}:
        return redirect("visits:home")
    # The three administrators see no data (accounts.scope): "/" is their own page.
    for role, page in ADMIN_HOMES:
        if not sees_personal_data(request.user) and role in role_set(request.user):
            return redirect(page)
    figures = overview_figures(request.user)
    context = {
        "figures": figures,
        "charts": figures["charts"],
        # The overdue card links only for those the visit overview serves (not the data officer).
        "visits_overview": is_cadre(request.user),
    }
    return render(request, "dashboard/overview.html", context)
