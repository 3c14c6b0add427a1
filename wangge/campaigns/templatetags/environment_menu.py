from django import template

from wangge.accounts.scope import area_prefixes
from wangge.campaigns.environment import comparison_on_for

register = template.Library()


@register.simple_tag
def villages_compared(user) -> bool:
    """Whether the menu shows the comparison between villages (a township may switch it off)."""
    return comparison_on_for(user, area_prefixes(user))
