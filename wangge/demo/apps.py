from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Liangquan demo: builds a township's data through every app; nothing imports it."""

    name = "wangge.demo"
    label = "demo"
