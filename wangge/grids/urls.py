from django.urls import path

from wangge.grids import council_views, roster_views, views

app_name = "grids"

urlpatterns = [
    path("", views.layer_index, name="layer_index"),
    path("layer/<slug:slug>/", views.layer_detail, name="layer_detail"),
    path("layer/<slug:slug>/gaps/<slug:kind>/", views.layer_gaps, name="layer_gaps"),
    path("layer/<slug:slug>/new/", views.grid_new, name="grid_new"),
    path("layer/<slug:slug>/auto-split/", views.auto_split, name="auto_split"),
    path("<int:pk>/", views.grid_detail, name="grid_detail"),
    path("<int:pk>/edit/", views.grid_edit, name="grid_edit"),
    path("<int:pk>/merge/", views.grid_merge_view, name="grid_merge"),
    path("<int:pk>/assign/", views.grid_assign, name="grid_assign"),
    path("persons/", views.person_index, name="person_list"),
    path("persons/new/", views.person_new, name="person_create"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/roster/add/", roster_views.roster_add_view, name="roster_add"),
    path("<int:pk>/roster/remove/", roster_views.roster_remove_view, name="roster_remove"),
    path("councils/", council_views.council_index, name="council_index"),
    path("councils/hamlets/", council_views.council_hamlets, name="council_hamlets"),
    path("councils/new/", council_views.council_new, name="council_new"),
    path("councils/<int:pk>/", council_views.council_detail, name="council_detail"),
    path(
        "councils/<int:pk>/remove/", council_views.council_seat_remove, name="council_seat_remove"
    ),
]
