from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "wangge.pairing"
    label = "pairing"

    def ready(self):
        # Registers the sources of a member's own households with accounts.scope.
        from wangge.pairing import selectors  # noqa: F401
