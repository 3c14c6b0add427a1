from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "wangge.flags"
    label = "flags"
