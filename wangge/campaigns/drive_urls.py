from django.urls import path

from wangge.campaigns import drive_views as views

urlpatterns = [
    path("", views.drive_index, name="drive_list"),
    path("new/", views.drive_new, name="drive_new"),
    path("mine/", views.my_drive_tasks, name="drive_mine"),
    path("<int:pk>/", views.drive_detail, name="drive_detail"),
    path("tasks/<int:pk>/done/", views.drive_task_done, name="drive_task_done"),
]
