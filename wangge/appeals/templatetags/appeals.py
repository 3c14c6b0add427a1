"""Appeals on other apps' pages: a household's latest requests (a visit's needs reach
appeals through ``visit_hooks.py``)."""

from django import template

from wangge.appeals.selectors import requests_for_household

register = template.Library()


@register.inclusion_tag("appeals/_household_requests.html", takes_context=True)
def household_requests(context, household, limit: int = 10):
    user = context["request"].user
    return {"household": household, "rows": list(requests_for_household(user, household)[:limit])}
