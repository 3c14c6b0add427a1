"""Fields that apps above party add to a member in the API, as ``visits.hooks`` does for
visits: party cannot import them, so an app registers in its ``party_hooks.py`` (imported
automatically)::

    # wangge/assessment/party_hooks.py
    from wangge.party.hooks import member_api_field

    member_api_field("public_url", annotate=with_page, value=public_url_of)

``annotate`` adds what the value needs to a member queryset (one query for a whole page);
``value(member, request)`` gives the field's value, None to leave the field out.

The same apps may ask to hear of new members (``on_members_created``): the party services and
the members import call ``members_created`` with the new rows, inside their transaction, so
what an app keeps per member (a public page) is written with the member, never on a read.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.module_loading import autodiscover_modules

_fields: dict[str, tuple[Callable[[QuerySet], QuerySet], Callable]] = {}
_created: dict[str, Callable[[QuerySet], None]] = {}


def member_api_field(name: str, *, annotate: Callable[[QuerySet], QuerySet], value: Callable):
    _fields[name] = (annotate, value)


def _discover() -> None:
    autodiscover_modules("party_hooks")


def annotate_for_api(queryset: QuerySet) -> QuerySet:
    _discover()
    for annotate, _value in _fields.values():
        queryset = annotate(queryset)
    return queryset


def api_field(name: str, member, request):
    _discover()
    entry = _fields.get(name)
    return entry[1](member, request) if entry else None


def on_members_created(name: str, callback: Callable[[QuerySet], None]) -> None:
    """Call ``callback(members)`` with every batch of new members (registered once by name)."""
    _created[name] = callback


def members_created(members: QuerySet) -> None:
    """Tell the apps above party of new members (called inside the writing transaction)."""
    _discover()
    for callback in _created.values():
        callback(members)
