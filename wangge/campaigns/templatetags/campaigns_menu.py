from django import template
from django.utils import timezone

from wangge.campaigns.menu import menu_switches

register = template.Library()


@register.simple_tag(takes_context=True)
def campaign_switches(context) -> dict[str, bool]:
    """The menu's links that depend on the record (comparison between villages, today's
    follow-ups), read once per page in one statement."""
    user = getattr(context.get("request"), "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"compare": False, "follow_ups": False}
    return menu_switches(user, timezone.localdate())
