"""Appeals on other apps' pages: a household's latest requests; a visit's needs → request."""

from django import template

from wangge.appeals.selectors import categories_of, requests_for_household

register = template.Library()


@register.inclusion_tag("appeals/_household_requests.html", takes_context=True)
def household_requests(context, household, limit: int = 10):
    user = context["request"].user
    return {"household": household, "rows": list(requests_for_household(user, household)[:limit])}


@register.inclusion_tag("appeals/_from_visit.html")
def needs_to_request(visit):
    """``{% needs_to_request visit %}``: the form that turns a visit's needs into a request
    (nothing once it has one), so the visit page need not import appeals."""
    show = bool(visit.needs and not visit.need_request_id)
    return {"visit": visit, "categories": categories_of(visit.township_code) if show else []}
