from django.urls import path

from wangge.reports import views

app_name = "reports"

urlpatterns = [
    path("bulletin/", views.bulletin_page, name="bulletin"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:pk>/file/", views.download, name="download"),
]
