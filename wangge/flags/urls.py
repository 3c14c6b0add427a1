from django.urls import path

from wangge.flags import views

app_name = "flags"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("queue/", views.queue, name="queue"),
    path("attention/", views.attention, name="attention"),
    path("<int:pk>/", views.flag_detail, name="flag_detail"),
    path("<int:pk>/decide/", views.flag_decide, name="flag_decide"),
    path("agency/", views.agency, name="agency"),
    path("agency/upload/<str:token>/", views.agency_preview, name="agency_preview"),
    path("agency/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("agency/batches/<int:pk>/rollback/", views.batch_rollback, name="batch_rollback"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_detail, name="rule_detail"),
]
