from django.shortcuts import render

from wangge.dashboard.overview import overview_figures


def overview(request):
    figures = overview_figures(request.user)
    return render(
        request, "dashboard/overview.html", {"figures": figures, "charts": figures["charts"]}
    )
