from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "wangge.assessment"
    label = "assessment"
