"""The menu's link to today's follow-ups, shown while an epidemic campaign runs over the
user's area: one small query per page, for members and village staff only."""

from django import template
from django.utils import timezone

from wangge.campaigns.epidemic import epidemic_running_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def epidemic_running(context) -> bool:
    user = getattr(context.get("request"), "user", None)
    if not getattr(user, "is_authenticated", False):
        return False
    return epidemic_running_for_user(user, timezone.localdate())
