from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "wangge.appeals"
    label = "appeals"
