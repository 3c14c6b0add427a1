from django.urls import path

from wangge.assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.plan_index, name="plan_list"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/steps/", views.plan_step_add, name="step_add"),
    path("steps/<int:pk>/status/", views.step_status, name="step_status"),
]
