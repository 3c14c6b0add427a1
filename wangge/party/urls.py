from django.urls import path

from wangge.party import views

app_name = "party"

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("new/", views.member_create_view, name="member_create"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:pk>/reveal/", views.member_reveal, name="member_reveal"),
]
