"""The registry behind ``wangge stats``: each app contributes counts as a provider.

A provider is a function ``(area_code: str | None, today: date) -> dict`` registered with
``@stat_provider``; it returns its own top-level keys, computed with aggregate queries. Providers
live in the dashboard's ``selectors.py`` or in an app's ``stats.py`` module, which is imported
automatically (as Django's admin does with ``admin.py``)::

    # wangge/visits/stats.py
    from wangge.core.stats import stat_provider

    @stat_provider
    def visit_stats(area_code, today):
        return {"visits": ...}
"""

import datetime
from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

StatProvider = Callable[[str | None, datetime.date], dict]
_providers: list[StatProvider] = []


def stat_provider(func: StatProvider) -> StatProvider:
    if func not in _providers:
        _providers.append(func)
    return func


def collect_stats(area_code: str | None, today: datetime.date) -> dict:
    """Every provider's keys in one dict; a key claimed twice is a programming error."""
    autodiscover_modules("stats")
    out: dict = {}
    for provider in _providers:
        values = provider(area_code, today)
        clash = out.keys() & values.keys()
        if clash:
            raise RuntimeError(f"stat keys {sorted(clash)} are provided twice")
        out.update(values)
    return out
