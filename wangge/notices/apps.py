from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "wangge.notices"
    label = "notices"
