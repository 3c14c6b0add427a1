from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports generated from the record: the quarterly bulletin (季度通报)."""

    name = "wangge.reports"
    label = "reports"
