"""What the apps above visits add to the visit log and the visit page, without visits
importing them.

Visits sits below campaigns and appeals, so it offers hooks that they fill, as ``admin.py``
files fill the admin: an app puts its hooks in its ``visit_hooks.py`` (imported automatically)::

    # wangge/campaigns/visit_hooks.py
    from wangge.visits.hooks import VisitLogExtension, register_visit_log_extension

    @register_visit_log_extension
    class CampaignOpinion(VisitLogExtension): ...

    # wangge/appeals/visit_hooks.py
    from wangge.visits.hooks import need_categories_provider

    @need_categories_provider
    def request_categories(visit): ...
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.module_loading import autodiscover_modules


class VisitLogExtension:
    """Something a higher app adds to logging a visit of ``household`` on ``day``.

    ``bind`` decides whether it applies (e.g. a campaign runs there that day) and returns its
    state, handed back to the other methods; ``None`` means it adds nothing to this visit.
    """

    def bind(self, household, day) -> Any | None:
        return None

    def form_fields(self, bound) -> dict:
        """Extra form fields by name, shown after the needs."""
        return {}

    def page_notes(self, bound) -> list[str]:
        """Short lines shown above the form (e.g. "Campaign running: ...")."""
        return []

    def before_save(self, bound, visit) -> None:
        """Set fields on the new visit before it is first saved."""

    def after_save(self, bound, *, actor, visit, data: Mapping[str, Any]) -> None:
        """Record what the extra fields hold; runs in the visit's own transaction."""


_extensions: list[VisitLogExtension] = []


def register_visit_log_extension(cls: type[VisitLogExtension]) -> type[VisitLogExtension]:
    if not any(type(ext) is cls for ext in _extensions):
        _extensions.append(cls())
    return cls


def bound_extensions(household, day) -> list[tuple[VisitLogExtension, Any]]:
    """The extensions that apply to a visit of this household on this day, with their state."""
    autodiscover_modules("visit_hooks")
    out = []
    for ext in _extensions:
        bound = ext.bind(household, day)
        if bound is not None:
            out.append((ext, bound))
    return out


NeedCategories = Callable[[object], list]
_need_categories: list[NeedCategories] = []


def need_categories_provider(func: NeedCategories) -> NeedCategories:
    """Register who turns a visit's needs into a request: ``(visit) -> categories`` for the
    picker on the visit page (the form posts to ``appeals:from_visit``)."""
    if func not in _need_categories:
        _need_categories.append(func)
    return func


def need_categories(visit) -> list:
    """The categories to offer for turning this visit's needs into a request; empty when no
    app takes needs."""
    autodiscover_modules("visit_hooks")
    for provider in _need_categories:
        found = list(provider(visit))
        if found:
            return found
    return []


HomeCards = Callable[[object, object], list]
_home_cards: list[HomeCards] = []


def home_cards_provider(func: HomeCards) -> HomeCards:
    """Register cards for the member's phone home: ``(user, today) -> [{title, text, url,
    action}]`` (e.g. a campaign's responsibility letter to acknowledge)."""
    if func not in _home_cards:
        _home_cards.append(func)
    return func


def home_cards(user, today) -> list[dict]:
    autodiscover_modules("visit_hooks")
    return [card for provider in _home_cards for card in provider(user, today)]
