from django.urls import path

app_name = "assessment"

urlpatterns: list = []

# --- duties, scores and talks (S11) ---
from wangge.assessment import views_scores  # noqa: E402

urlpatterns += [
    path("mine/", views_scores.mine, name="mine"),
    path("mine/service-list/", views_scores.my_service_list, name="my_service_list"),
    path(
        "members/<int:pk>/service-list/",
        views_scores.member_service_list,
        name="member_service_list",
    ),
    path("scores/", views_scores.score_overview, name="score_overview"),
    path("scores/compute/", views_scores.score_compute, name="score_compute"),
    path("scores/approve/", views_scores.score_approve, name="score_approve"),
    path("scores/<int:pk>/", views_scores.score_detail, name="score_detail"),
    path("scores/<int:pk>/<slug:key>/", views_scores.indicator_records, name="indicator_records"),
    path("scheme/", views_scores.scheme_page, name="scheme"),
    path("duties/", views_scores.duty_index, name="duties"),
    path("duties/<int:level>/", views_scores.duty_edit, name="duty_edit"),
    path("talks/", views_scores.talk_queue, name="talk_queue"),
    path("talks/<int:pk>/", views_scores.talk_detail, name="talk_detail"),
]
