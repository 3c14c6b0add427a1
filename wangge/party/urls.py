from django.urls import path

from wangge.party import views

app_name = "party"

urlpatterns = [
    path("", views.member_list, name="member_list"),
]
