from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "wangge.households"
    label = "households"
