"""One timeline per household, gathered from every app that records something about it.

An app contributes entries with a provider in its ``timeline.py`` (imported automatically, as
``stats.py`` modules are): a function ``(user, household) -> Iterable[Entry]`` that reads
through the app's own scoped selectors, so a user sees on the timeline only what they may see
elsewhere::

    # wangge/visits/timeline.py
    from wangge.households.timeline import Entry, timeline_provider

    @timeline_provider
    def visit_entries(user, household):
        ...
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from wangge.audit.models import AuditEvent
from wangge.households.models import Tag


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    kind: str  # "visit", "request", "flag", "step": the CSS class and icon of the row
    title: str
    detail: str = ""
    url: str = ""


Provider = Callable[[object, object], Iterable[Entry]]
_providers: list[Provider] = []


def timeline_provider(func: Provider) -> Provider:
    if func not in _providers:
        _providers.append(func)
    return func


def day_start(day: datetime.date) -> datetime.datetime:
    """A date-only record (a visit) placed at the start of its day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def household_timeline(user, household, *, limit: int | None = None) -> list[Entry]:
    """Every provider's entries, newest first."""
    autodiscover_modules("timeline")
    entries = [entry for provider in _providers for entry in provider(user, household)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit] if limit else entries


@timeline_provider
def tag_change_entries(user, household):
    """Tag changes made for a reason (an accepted flag, a plan's outcome): who, when and why."""
    events = list(
        AuditEvent.objects.filter(
            action="household.tags_change",
            object_type="households.household",
            object_id=str(household.pk),
        ).select_related("actor")
    )
    if not events:
        return
    names = dict(Tag.objects.values_list("slug", "name"))
    for event in events:
        detail = event.detail or {}
        parts = [f"+{names.get(s, s)}" for s in detail.get("add", [])]
        parts += [f"−{names.get(s, s)}" for s in detail.get("remove", [])]
        who = event.actor.get_full_name() or event.actor.username if event.actor else ""
        yield Entry(
            event.at,
            "tag",
            _("Tags changed: %(tags)s") % {"tags": " ".join(parts)},
            " · ".join(p for p in (who, detail.get("reason", "")) if p),
            "",
        )
