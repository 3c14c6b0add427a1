from django.urls import path

from wangge.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboard/grid/<int:pk>/", views.grid_dashboard, name="grid"),
    path("dashboard/me/", views.member_dashboard, name="member"),
]
