import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

START = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


def _expiry():
    return Session.objects.get().expire_date


def test_signed_in_session_is_renewed_at_most_once_a_minute(client, secretary_a, settings):
    page = reverse("appeals:mine")
    with time_machine.travel(START, tick=False):
        client.force_login(secretary_a)
        assert client.get(page).status_code == 200
        first = _expiry()
        assert first == START + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    with time_machine.travel(START + datetime.timedelta(seconds=30), tick=False):
        assert client.get(page).status_code == 200
        assert _expiry() == first  # no write within the minute
    later = START + datetime.timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        assert client.get(page).status_code == 200
        assert _expiry() == later + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_idle_session_ends_and_public_pages_make_none(client, secretary_a, settings):
    with time_machine.travel(START, tick=False):
        client.force_login(secretary_a)
        client.get(reverse("appeals:mine"))
    idle = START + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    with time_machine.travel(idle, tick=False):
        response = client.get(reverse("appeals:mine"))
        assert response.status_code == 302 and "login" in response["Location"]
    client.cookies.clear()
    Session.objects.all().delete()
    assert client.get(reverse("appeals:track")).status_code == 200
    assert not Session.objects.exists()
