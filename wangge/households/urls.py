from django.urls import path

from wangge.households import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create_view, name="household_create"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:pk>/reveal/", views.household_reveal, name="household_reveal"),
    path("<int:pk>/timeline/", views.household_timeline_view, name="household_timeline"),
]
