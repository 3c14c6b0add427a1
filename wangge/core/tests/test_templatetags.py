"""Template helpers: links to routes that may not exist yet, query strings and tag chips."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load wangge_tags %}" + source).render(Context(context))


def test_optional_url_is_empty_for_a_missing_route():
    assert render("{% optional_url 'nowhere:upload' 'members' %}") == ""


def test_optional_url_reverses_an_existing_route():
    assert render("{% optional_url 'party:member_detail' 7 %}") == "/members/7/"


def test_query_helpers_keep_filters_and_replace_the_page():
    """The output is HTML-escaped, ready for an href attribute."""
    request = RequestFactory().get("/members/", {"q": "王", "page": "3", "mobile": "1"})
    assert render("{% query_without 'page' %}", request=request) == "q=%E7%8E%8B&amp;mobile=1"
    assert (
        render("{% query_with 'page' 4 %}", request=request)
        == "q=%E7%8E%8B&amp;page=4&amp;mobile=1"
    )


@pytest.mark.django_db
def test_tag_chip_follows_the_language(tags):
    low_income = next(t for t in tags if t.slug == "low_income")
    with translation.override("en"):
        assert render("{% tag_chip t %}", t=low_income) == (
            '<span class="tag sensitive">Low-income (dibao)</span>'
        )
    with translation.override("zh-hans"):
        assert render("{% tag_chip t %}", t=low_income) == '<span class="tag sensitive">低保</span>'
