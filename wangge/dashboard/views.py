from django.shortcuts import redirect, render

from wangge.accounts.scope import role_set
from wangge.dashboard.overview import overview_figures
from wangge.visits.selectors import is_cadre


def overview(request):
    # Members without any other role work on phones: "/" is their field home.
    if role_set(request.user) == {"member"}:
        return redirect("visits:home")
    figures = overview_figures(request.user)
    context = {
        "figures": figures,
        "charts": figures["charts"],
        # The overdue card links only for those the visit overview serves (not the data officer).
        "visits_overview": is_cadre(request.user),
    }
    return render(request, "dashboard/overview.html", context)
