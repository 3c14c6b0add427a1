from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    label = "accounts"

    def ready(self):
        from wangge.accounts import signals  # noqa: F401
