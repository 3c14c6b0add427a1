from django.urls import path

from wangge.visits import offline_views, views

app_name = "visits"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("mine/", views.mine, name="mine"),
    path("log/", views.log, name="log"),
    path("log/<int:household_id>/", views.log, name="log_for"),
    path("call/<int:household_id>/", views.call, name="call"),
    path("list/", views.visit_index, name="visit_list"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/photo/", views.visit_photo, name="photo"),
    path("overview/", views.overview, name="overview"),
    path("policies/", views.policies, name="policies"),
    path("policies/save/", views.policy_save, name="policy_save"),
]
