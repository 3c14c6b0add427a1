"""A lost ticket number found again with a code texted to the phone."""

import re

import pytest

from wangge.appeals.models import Channel
from wangge.appeals.selectors import requests_for_phone
from wangge.appeals.services import appeal_create, appeal_recovery_check, appeal_recovery_start
from wangge.core.notify import SmsGatewayBackend

TEXTS: list[tuple[str, str]] = []
PHONE = "13912345678"


class Gateway(SmsGatewayBackend):
    def send_sms(self, phone, message):
        TEXTS.append((phone, message.subject))


@pytest.fixture
def sent(world, settings, django_capture_on_commit_callbacks):
    settings.WANGGE_NOTIFY_BACKEND = f"{__name__}.Gateway"
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_create(
            actor=None,
            grid=world.grids[4],
            category=None,
            text="井盖丢了",
            channel=Channel.PUBLIC_QR,
            contact_name="张大妈",
            contact_phone=PHONE,
        )
    TEXTS.clear()
    return appeal


def _code(django_capture_on_commit_callbacks, phone: str) -> str | None:
    with django_capture_on_commit_callbacks(execute=True):
        appeal_recovery_start(phone=phone)
    return re.search(r"\d{6}", TEXTS[-1][1]).group() if TEXTS else None


def test_code_texted_only_to_a_phone_that_sent_requests(sent, django_capture_on_commit_callbacks):
    assert _code(django_capture_on_commit_callbacks, "13800000000") is None
    code = _code(django_capture_on_commit_callbacks, "139 1234 5678")
    assert TEXTS[-1][0] == PHONE
    assert appeal_recovery_check(phone=PHONE, code=code)
    assert not appeal_recovery_check(phone=PHONE, code=code)  # used once
    assert [a.ticket for a in requests_for_phone(PHONE)] == [sent.ticket]


def test_five_wrong_codes_spend_it(sent, django_capture_on_commit_callbacks):
    code = _code(django_capture_on_commit_callbacks, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    for _try in range(5):
        assert not appeal_recovery_check(phone=PHONE, code=wrong)
    assert not appeal_recovery_check(phone=PHONE, code=code)
