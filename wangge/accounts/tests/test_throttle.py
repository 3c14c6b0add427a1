"""Issue 15, finding 4: login throttling per account and per address, with truthful messages."""

import datetime

import time_machine
from django.utils import timezone

from wangge import testing


def _login(client, username, password, ip):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_guessing_spread_over_many_addresses_is_paused(client, secretary_a):
    """GIVEN wrong passwords for one account, each from a different address
    THEN the account pauses after the fifth, from any address, even for the right password."""
    for i in range(5):
        assert _login(client, "secretary-a", "wrong", f"10.0.1.{i}").status_code == 200
    paused = _login(client, "secretary-a", testing.PASSWORD, "10.0.1.99")
    assert paused.status_code == 429
    assert "wrong passwords for this account" in paused.content.decode()


def test_pauses_grow_but_stay_short(client, secretary_a):
    """A stranger can hold an account for at most 5 minutes at a time: tries during a pause do
    not lengthen it, and the right password works once it is over."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            _login(client, "secretary-a", "wrong", "10.0.2.1")
        for _ in range(20):  # hammering during the pause changes nothing
            assert _login(client, "secretary-a", "wrong", "10.0.2.1").status_code == 429
        traveller.shift(datetime.timedelta(seconds=61))
        for _ in range(10):  # each failure after a pause: 2, 4, then at most 5 minutes
            _login(client, "secretary-a", "wrong", "10.0.2.1")
            traveller.shift(datetime.timedelta(minutes=5, seconds=1))
        ok = _login(client, "secretary-a", testing.PASSWORD, "10.0.2.2")
        assert ok.status_code == 302


def test_colleague_behind_the_same_address_is_not_locked_out(client, secretary_a, secretary_b):
    for _ in range(5):
        _login(client, "secretary-a", "wrong", "10.0.3.1")
    ok = _login(client, "secretary-b", testing.PASSWORD, "10.0.3.1")
    assert ok.status_code == 302


def test_one_password_over_many_user_names_from_one_address_is_limited(client, regions):
    testing.make_user("victim", None, None)
    for i in range(20):
        _login(client, f"user-{i}", "Spring2026!", "10.0.4.1")
    refused = _login(client, "victim", testing.PASSWORD, "10.0.4.1")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "from this network address" in body and "not locked" in body
    # Another address is not affected.
    assert _login(client, "victim", testing.PASSWORD, "10.0.4.2").status_code == 302


def test_api_token_requests_are_paused_too(client, secretary_a):
    def ask(password):
        return client.post(
            "/api/v1/auth/token",
            {"username": "secretary-a", "password": password},
            content_type="application/json",
            REMOTE_ADDR="10.0.5.1",
        )

    for _ in range(5):
        assert ask("wrong").status_code == 401
    paused = ask(testing.PASSWORD)
    assert paused.status_code == 429
    assert paused.json()["code"] == "locked"
    assert "Try again in 1 minutes" in paused.json()["message"]
