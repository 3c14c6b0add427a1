"""The small helpers every app's views share: messages from refusals, years, ids, back links."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone

from wangge.core.errors import DomainError
from wangge.core.forms import cleaned_or_raise, errors_text, id_field, year_from
from wangge.core.views import redirect_back, show_error, show_form_errors


def _request(data=None):
    request = RequestFactory().post("/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _said(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


class _PickForm(forms.Form):
    household = id_field("Choose a household from the list.")
    note = forms.CharField(required=False)


def test_show_error_says_a_domain_error_and_a_validation_error_in_their_words():
    request = _request()
    show_error(request, DomainError("The round is closed."))
    show_error(request, ValidationError({"note": ["Write a note.", "Keep it short."]}))
    assert _said(request) == ["The round is closed.", "Write a note. Keep it short."]


@pytest.mark.parametrize("raw", ["", "abc", "-1", "0", "9" * 40, "1.5"])
def test_an_id_that_cannot_name_a_row_gets_the_fields_one_message(raw):
    form = _PickForm({"household": raw, "note": "a\x00b"})
    with pytest.raises(DomainError) as caught:
        cleaned_or_raise(form)
    assert "Choose a household from the list." in caught.value.message
    assert errors_text(form).count("Choose a household from the list.") == 1


def test_show_form_errors_says_each_message_once():
    request = _request()
    form = _PickForm({"household": "x"})
    form.is_valid()
    show_form_errors(request, form)
    assert _said(request) == ["Choose a household from the list."]


def test_cleaned_or_raise_gives_the_cleaned_data():
    assert cleaned_or_raise(_PickForm({"household": "42"})) == {"household": 42, "note": ""}


def test_year_from_the_first_source_naming_one_else_this_year():
    this_year = timezone.localdate().year
    assert year_from(QueryDict("year=2024"), QueryDict("year=2023")) == 2024
    assert year_from(QueryDict(""), QueryDict("year=2023")) == 2023
    for nonsense in ("abc", "1999", "2101", "9" * 40, "a\x00b"):
        assert year_from({"year": nonsense}) == this_year
    assert year_from(QueryDict("")) == this_year


def test_redirect_back_only_to_this_site():
    request = _request()
    purposes = "/reveal-purposes/"
    assert redirect_back(request, "/households/7/", "reveal_purposes").url == "/households/7/"
    assert redirect_back(request, "https://evil.example/", "reveal_purposes").url == purposes
    assert redirect_back(request, "", "reveal_purposes").url == purposes
