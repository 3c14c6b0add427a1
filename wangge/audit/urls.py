from django.urls import path

from wangge.audit import views

app_name = "audit"

urlpatterns = [path("", views.event_index, name="event_index")]
