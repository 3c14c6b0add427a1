from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    label = "accounts"

    def ready(self):
        # Django's pattern: receivers connect once every app's models are loaded.
        from wangge.accounts import signals  # noqa: F401
