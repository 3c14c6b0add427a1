from django.urls import path

from wangge.core import import_views

app_name = "imports"

urlpatterns = [
    path("job/<int:job_id>/", import_views.job, name="job"),
    path("job/<int:job_id>/partial/", import_views.job_partial, name="job_partial"),
    path("<str:kind>/", import_views.upload, name="upload"),
    path("<str:kind>/template.xlsx", import_views.template, name="template"),
    path("<str:kind>/export.xlsx", import_views.export, name="export"),
]
