"""Small template helpers shared by the pages: optional links, query strings, tag chips."""

from django import template
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wangge.accounts.models import REGISTRY_WRITERS
from wangge.accounts.scope import area_prefixes

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """The URL for ``name``, or "" when no such route exists (features that are switched off)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def query_without(context, *names: str) -> str:
    """The current query string without the given parameters (e.g. ``page``), URL-encoded."""
    request = context.get("request")
    if request is None:
        return ""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def query_with(context, name: str, value) -> str:
    """The current query string with one parameter set (pagination links keep the filters)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params[name] = value
    return params.urlencode()


@register.filter
def tag_label(tag) -> str:
    """A household tag's name in the current language."""
    return tag.label(get_language() or "")


@register.simple_tag
def tag_chip(tag) -> str:
    css = "tag sensitive" if tag.sensitive else "tag"
    return format_html('<span class="{}">{}</span>', css, tag_label(tag))


@register.filter
def or_dash(value) -> str:
    """Show an em dash for empty values so a blank cell reads as "none", not "missing"."""
    return value if value not in (None, "") else "—"


@register.filter
def writes_in(user, area_code: str) -> bool:
    """True when ``user`` may edit registry records (and decide flags) in ``area_code``: forms
    for a write are shown only to the roles whose post would not be refused."""
    code = str(area_code or "")
    return bool(code) and any(code.startswith(p) for p in area_prefixes(user, REGISTRY_WRITERS))


_CN_DIGITS = "零一二三四五六七八九"


@register.filter
def grid_level(level) -> str:
    """A grid level in plain words ("第四级网格", "level-4 grid") instead of the jargon "L4"."""
    try:
        n = int(level)
    except (TypeError, ValueError):
        return ""
    shown = _CN_DIGITS[n] if get_language().startswith("zh") and 0 <= n <= 9 else str(n)
    return _("level-%(n)s grid") % {"n": shown}
