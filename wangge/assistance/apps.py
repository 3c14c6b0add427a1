from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "wangge.assistance"
    label = "assistance"
