"""The three rates of residents' requests: /requests/metrics/ (included before /requests/)."""

from django.urls import path

from wangge.appeals import metrics_views

app_name = "appeals_metrics"

urlpatterns = [
    path("", metrics_views.metrics_page, name="page"),
    path("list/", metrics_views.metrics_list, name="list"),
    path("block/", metrics_views.metrics_block, name="block"),
]
