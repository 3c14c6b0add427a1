from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"
