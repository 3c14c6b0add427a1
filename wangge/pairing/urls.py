from django.urls import path

from wangge.pairing import views

app_name = "pairing"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("members/", views.member_loads, name="member_loads"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/pair/", views.member_pair, name="member_pair"),
    path("members/<int:pk>/cap/", views.member_cap, name="member_cap"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/pair/", views.pair, name="pair"),
    path("unpaired/", views.unpaired, name="unpaired"),
    path("<int:pk>/end/", views.end, name="end"),
    path("propose/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/apply/", views.proposal_confirm, name="proposal_apply"),
    path("rules/", views.rules_edit, name="rules"),
]
