from django.urls import path

from wangge.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_index, name="inbox"),
    path("sent/", views.notice_sent, name="sent"),
    path("new/", views.notice_new, name="create"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/files/<int:file_id>/", views.notice_attachment, name="attachment"),
    path("feedback/", views.feedback_index, name="feedback_list"),
    path("feedback/new/", views.feedback_new, name="feedback_create"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("feedback/<int:pk>/reply/", views.feedback_reply_view, name="feedback_reply"),
    path("feedback/<int:pk>/close/", views.feedback_close_view, name="feedback_close"),
    path(
        "feedback/<int:pk>/to-request/", views.feedback_to_request_view, name="feedback_to_request"
    ),
    path(
        "feedback/<int:pk>/to-opinion/", views.feedback_to_opinion_view, name="feedback_to_opinion"
    ),
]
