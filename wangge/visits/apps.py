from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class VisitsConfig(AppConfig):
    name = "wangge.visits"
    label = "visits"

    def ready(self):
        # The database keeps the summary; ``core.summaries.ensure`` repairs it after a migrate.
        from wangge.core.summaries import register
        from wangge.visits.summary import HOUSEHOLDS

        register(
            HOUSEHOLDS,
            "SELECT id FROM households_household",
            table="visits_householdsummary",
            key="household_id",
            migration=("visits", "0003_household_summary"),
            label=gettext_lazy("household summary"),
        )
