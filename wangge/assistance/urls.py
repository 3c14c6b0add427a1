from django.urls import path

from wangge.assistance import views

app_name = "assistance"

urlpatterns = [
    path("", views.plan_index, name="plan_list"),
    path("steps-due/", views.my_steps, name="steps_due"),
    path("new/<int:household_pk>/", views.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/steps/", views.plan_step_add, name="step_add"),
    path("steps/<int:pk>/status/", views.step_status, name="step_status"),
]
