from django import template

from wangge.pairing.selectors import pairings_active

register = template.Library()


@register.inclusion_tag("pairing/_household_pairings.html")
def household_pairings(household):
    """The household's current members, for the household page (already scoped by its view)."""
    rows = pairings_active().filter(household=household).select_related("member")
    return {"household": household, "rows": list(rows)}
