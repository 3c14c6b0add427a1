from django.urls import path

from wangge.reports import views

app_name = "reports"

urlpatterns = [
    path("bulletin/", views.bulletin_page, name="bulletin"),
    path("bulletin.docx", views.bulletin_download, name="bulletin_docx"),
    path("bulletin.pdf", views.bulletin_download, {"fmt": "pdf"}, name="bulletin_pdf"),
]
