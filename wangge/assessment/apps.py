from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "wangge.assessment"
    label = "assessment"

    def ready(self) -> None:
        # The five-star figures for ``wangge stats`` (kept apart from the scores' stats.py).
        from wangge.assessment import stats_stars  # noqa: F401
