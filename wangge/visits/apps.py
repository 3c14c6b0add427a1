from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "wangge.visits"
    label = "visits"
