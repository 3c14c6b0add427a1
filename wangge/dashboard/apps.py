from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "wangge.dashboard"
    label = "dashboard"
