from django.urls import path

from wangge.campaigns import environment_views as views

urlpatterns = [
    path("", views.environment_home, name="env_home"),
    path("new/", views.inspection_new, name="env_inspection_new"),
    path("hamlet/<str:code>/", views.hamlet_history, name="env_hamlet"),
    path("compare/", views.compare, name="env_compare"),
    path("items/", views.items_page, name="env_items"),
    path("setting/", views.comparison_setting, name="env_setting"),
]
