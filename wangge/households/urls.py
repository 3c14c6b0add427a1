from django.urls import path

from wangge.households import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="household_list"),
]
