from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "wangge.core"
    label = "core"

    def ready(self):
        # Imported here: auth's models (behind the signal) load only once the registry is ready.
        from django.contrib.auth.signals import user_logged_in

        from wangge.core.middleware import session_renewed_at_login

        user_logged_in.connect(session_renewed_at_login, dispatch_uid="wangge-session-renewed")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="wangge-cache-table")
        pre_migrate.connect(lift_summaries, sender=self, dispatch_uid="wangge-summaries-lift")
        post_migrate.connect(ensure_summaries, sender=self, dispatch_uid="wangge-summaries")


def create_cache_table(using="default", **kwargs) -> None:
    """The shared cache's table (when the cache is the database), made after every migrate."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def lift_summaries(using="default", plan=None, **kwargs) -> None:
    """Before a migrate that applies migrations: the summaries' triggers are dropped until it
    ends (``core.summaries.lift``), so a migration may alter a column they read."""
    if not plan:
        return
    from django.db import connections

    from wangge.core.summaries import lift

    lift(connections[using])


def ensure_summaries(using="default", **kwargs) -> None:
    """The summaries' triggers as the code defines them, after every migrate: a migration that
    rebuilt a table on SQLite (dropping its triggers) or a changed definition is repaired, and
    the summary refreshed whole (``core.summaries.ensure``)."""
    from django.db import connections

    from wangge.core.summaries import ensure

    ensure(connections[using])
