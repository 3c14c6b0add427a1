from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AppealsConfig(AppConfig):
    name = "wangge.appeals"
    label = "appeals"

    def ready(self):
        # The database keeps the summary; ``core.summaries.ensure`` repairs it after a migrate.
        from wangge.appeals.summary import RATES
        from wangge.core.summaries import register

        register(
            RATES,
            "SELECT id FROM appeals_appeal",
            table="appeals_appealevent",
            key="id",
            migration=("appeals", "0004_event_rate_columns"),
            label=gettext_lazy("request rates on the timeline"),
        )
