import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from wangge import testing
from wangge.audit.models import AuditEvent


def _login(client, password):
    return client.post(
        "/accounts/login/",
        {"username": "secretary-a", "password": password},
        REMOTE_ADDR="10.0.0.9",
    )


def test_login_reaches_overview_and_is_audited(client, secretary_a):
    response = _login(client, testing.PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=secretary_a).exists()


def test_pages_need_login(client, regions):
    response = client.get("/members/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wrong_password_says_what_to_check_and_is_audited(client, secretary_a):
    response = _login(client, "wrong-password")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="login.failed").count() == 1


def test_five_failures_pause_the_account_and_say_so(client, secretary_a):
    for _ in range(5):
        _login(client, "wrong-password")
    paused = _login(client, testing.PASSWORD)
    assert paused.status_code == 429
    assert "Try again in 1 minutes" in paused.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("password", ["short1A", "alllowercaseletters", "secretary-a"])
def test_password_policy(password, secretary_a):
    with pytest.raises(ValidationError):
        validate_password(password, user=secretary_a)


def test_good_password_passes(secretary_a):
    validate_password("Liangquan@2026", user=secretary_a)
