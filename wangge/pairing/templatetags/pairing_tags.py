from django import template

from wangge.pairing.selectors import household_pairings as select_household_pairings

register = template.Library()


@register.inclusion_tag("pairing/_household_pairings.html", takes_context=True)
def household_pairings(context, household):
    """The household's current members, for the household page, as its viewer may see them."""
    rows = select_household_pairings(context["request"].user, household)
    return {"household": household, "rows": list(rows)}
