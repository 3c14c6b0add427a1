"""The one pager's link: the current query string with only ``page`` changed, so every filter
stays when a user turns the page."""

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """``?…&page=N`` keeping every other parameter of the current request (URL-encoded)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params["page"] = number
    return "?" + params.urlencode()
