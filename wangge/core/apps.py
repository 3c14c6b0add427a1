from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"

    def ready(self):
        # Imported here: auth's models (behind the signal) load only once the registry is ready.
        from django.contrib.auth.signals import user_logged_in

        from wangge.core.middleware import session_renewed_at_login

        user_logged_in.connect(session_renewed_at_login, dispatch_uid="wangge-session-renewed")
