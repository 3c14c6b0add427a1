from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "wangge.campaigns"
    label = "campaigns"
