from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "wangge.grids"
    label = "grids"

    def ready(self):
        # Registers the sources of a member's own households with accounts.scope.
        from wangge.grids import selectors  # noqa: F401
