from django.urls import include, path

from wangge.campaigns import (
    consultation_views,
    drive_urls,
    duty_views,
    environment_urls,
    epidemic_views,
    flood_views,
    task_views,
    views,
)

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
    # The campaign engine (flood control): emergency, teams, sections, tasks, turn-outs.
    path("<int:pk>/emergency/", flood_views.emergency_new, name="emergency_new"),
    path("<int:pk>/teams/", flood_views.team_new, name="team_new"),
    path("<int:pk>/team-members/", flood_views.team_member_new, name="team_member_new"),
    path("<int:pk>/sections/", flood_views.section_new, name="section_new"),
    path("<int:pk>/shifts/", flood_views.shift_new, name="shift_new"),
    path("<int:pk>/tasks/", flood_views.task_new, name="task_new"),
    path("<int:pk>/turnouts/", flood_views.turnout_index, name="turnout_list"),
    path("<int:pk>/turnouts/new/", flood_views.turnout_new, name="turnout_new"),
    path("turnouts/<int:pk>/", flood_views.turnout_change, name="turnout_change"),
    path("<int:pk>/summary/", flood_views.summary_page, name="summary"),
    path("on-duty/", flood_views.turnout_mine, name="turnout_mine"),
    path("tasks/", task_views.task_index, name="task_list"),
    path("tasks/<int:pk>/done/", task_views.task_mark_done, name="task_done"),
    # Epidemic control: returnees, tests, quarantines, follow-ups, the daily status per grid.
    path("<int:pk>/returnees/", epidemic_views.returnee_index, name="returnee_list"),
    path("<int:pk>/returnees/new/", epidemic_views.returnee_new, name="returnee_new"),
    path("<int:pk>/returnees/qr/", epidemic_views.qr_index, name="returnee_qr"),
    path("<int:pk>/returnees/qr/posters.pdf", epidemic_views.qr_pdf, name="returnee_qr_pdf"),
    path("<int:pk>/returnees/qr/<int:grid>.png", epidemic_views.qr_png, name="returnee_qr_png"),
    path("returnees/<int:pk>/", epidemic_views.returnee_detail, name="returnee_detail"),
    path("returnees/<int:pk>/test/", epidemic_views.lab_result_new, name="lab_result_new"),
    path("returnees/<int:pk>/quarantine/", epidemic_views.quarantine_new, name="quarantine_new"),
    path("quarantines/<int:pk>/follow-up/", epidemic_views.follow_up_new, name="follow_up_new"),
    path("follow-ups/", epidemic_views.due_index, name="follow_ups_due"),
    path("r/<str:key>/", epidemic_views.returnee_public, name="returnee_public"),
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
