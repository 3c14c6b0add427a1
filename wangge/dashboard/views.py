from django.shortcuts import redirect, render

from wangge.accounts.scope import role_set
from wangge.dashboard.overview import overview_figures


def overview(request):
    # Members without any other role work on phones: "/" is their field home.
    if role_set(request.user) == {"member"}:
        return redirect("visits:home")
    figures = overview_figures(request.user)
    return render(
        request, "dashboard/overview.html", {"figures": figures, "charts": figures["charts"]}
    )
