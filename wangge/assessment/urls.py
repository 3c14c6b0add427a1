from django.urls import path

from wangge.assessment import views_public, views_scores, views_stars

app_name = "assessment"

urlpatterns: list = []

# Five-star rating and the public member page (三亮).
urlpatterns += [
    path("stars/", views_stars.my_stars, name="my_stars"),
    path("stars/rounds/", views_stars.round_list, name="rounds"),
    path("stars/rounds/open/", views_stars.round_open, name="round_open"),
    path("stars/rounds/<int:pk>/", views_stars.round_detail, name="round_detail"),
    path("stars/rounds/<int:pk>/act/", views_stars.round_act, name="round_act"),
    path("stars/rounds/<int:pk>/self/", views_stars.self_evaluate, name="self_evaluate"),
    path("stars/rounds/<int:pk>/peer/", views_stars.peer_ballot, name="peer_ballot"),
    path(
        "stars/objections/<int:pk>/answer/",
        views_stars.objection_answer,
        name="objection_answer",
    ),
    path("stars/criteria/", views_stars.criteria_edit, name="criteria"),
    path("public-page/", views_public.my_page, name="my_page"),
    path("public-page/plate.png", views_public.plate_png, name="plate_png"),
    path("public-page/plate.pdf", views_public.plate_pdf, name="plate_pdf"),
]

# Duties, scores and talks.
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
