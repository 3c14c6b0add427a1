from django.contrib.auth.decorators import login_not_required
from django.urls import path

from wangge.appeals import views, visit_views

app_name = "appeals"

urlpatterns = [
    path("", views.request_mine, name="mine"),
    path("all/", views.request_index, name="list"),
    path("new/", views.request_new, name="new"),
    path("from-visit/<int:visit_pk>/", visit_views.request_from_visit_view, name="from_visit"),
    path("phone/", views.request_phone_intake, name="phone"),
    path("categories/", views.category_index, name="categories"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/act/", views.request_act, name="act"),
    path("<int:pk>/photo/", views.request_photo, name="photo"),
    path("grids/posters/", views.grid_posters, name="posters"),
    path("grids/<int:pk>/poster/", views.grid_poster, name="poster"),
    path("grids/<int:pk>/poster.png", views.grid_poster_png, name="poster_png"),
    # Public pages for residents without an account.
    path("q/<str:key>/", login_not_required(views.public_form), name="public_form"),
    path("track/", login_not_required(views.public_track), name="track"),
    path("track/lost/", login_not_required(views.public_recover), name="recover"),
]
