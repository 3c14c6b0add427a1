from django.urls import path

from wangge.imports import views

app_name = "imports"

urlpatterns = [
    path("job/<int:job_id>/", views.job, name="job"),
    path("job/<int:job_id>/partial/", views.job_partial, name="job_partial"),
    path("<str:kind>/", views.upload, name="upload"),
    path("<str:kind>/template.xlsx", views.template, name="template"),
    path("<str:kind>/export.xlsx", views.export, name="export"),
    path("<str:kind>/export-full/", views.export_full, name="export_full"),
]
