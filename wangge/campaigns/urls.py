from django.urls import include, path

from wangge.campaigns import consultation_views, drive_urls, duty_views, environment_urls, views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_index, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/opinions/", views.opinion_index, name="opinion_list"),
    path("opinions/<int:pk>/category/", views.opinion_category, name="opinion_category"),
    path("categories/", views.category_index, name="category_list"),
    path("<int:pk>/pledge/", duty_views.pledge_new, name="pledge_new"),
    path("pledges/<int:pk>/", duty_views.pledge_ack, name="pledge_ack"),
    path("patrol/", duty_views.duty_log_new, name="duty_log_new"),
    path("<int:pk>/logs/", duty_views.duty_log_index, name="duty_log_list"),
    path("logs/<int:pk>/photo/", duty_views.duty_log_photo, name="duty_log_photo"),
    path("<int:pk>/roster/", duty_views.roster_new, name="roster_new"),
    path("<int:pk>/accountability/new/", duty_views.accountability_new, name="accountability_new"),
    path("accountability/", duty_views.accountability_index, name="accountability_list"),
    path(
        "accountability/<int:pk>/", duty_views.accountability_detail, name="accountability_detail"
    ),
    path("environment/", include(environment_urls.urlpatterns)),
    path("drives/", include(drive_urls.urlpatterns)),
    path(
        "<int:pk>/consultations/",
        consultation_views.consultation_index,
        name="consultation_list",
    ),
    path(
        "<int:pk>/consultations/new/",
        consultation_views.consultation_new,
        name="consultation_new",
    ),
]
