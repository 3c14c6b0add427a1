import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wangge import testing
from wangge.core.models import Notification
from wangge.core.notify import (
    InboxBackend,
    SmsGatewayBackend,
    in_quiet_hours,
    notify,
    notify_many,
    quiet_hours_end,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

SENT = []


class FakeGateway(SmsGatewayBackend):
    def send_sms(self, phone, message):
        SENT.append((phone, message.subject))


class BrokenBackend(InboxBackend):
    def deliver(self, message):
        raise RuntimeError("gateway down")


def test_inbox_row_after_commit(regions, django_capture_on_commit_callbacks):
    user = testing.make_user("someone", None, None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(user=user, subject="Hello", body="b", link="/x/")
    assert not Notification.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    note = Notification.objects.get()
    assert (note.user, note.subject, note.link, note.backend) == (user, "Hello", "/x/", "inbox")


def test_member_with_account_reaches_the_account(regions, django_capture_on_commit_callbacks):
    member = testing.make_member(area_code=testing.VILLAGE_A, seq=3)
    user = testing.make_user("m", None, None)
    user.member = member
    user.save()
    member.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(member=member, subject="S")
    assert Notification.objects.get().user == user


def test_gateway_adapter_sends_texts_to_phones(db, settings, django_capture_on_commit_callbacks):
    settings.WANGGE_NOTIFY_BACKEND = "wangge.core.tests.test_notify.FakeGateway"
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(phone="13912345678", subject="Ticket 1")
    assert SENT == [("13912345678", "Ticket 1")]
    assert not Notification.objects.exists()


def test_a_broken_backend_never_breaks_the_action(db, settings, django_capture_on_commit_callbacks):
    settings.WANGGE_NOTIFY_BACKEND = "wangge.core.tests.test_notify.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(phone="13912345678", subject="x")


def test_gateway_base_is_abstract():
    with pytest.raises(TypeError):
        SmsGatewayBackend()


def test_notify_many_stores_inbox_rows_and_texts_the_phones(
    regions, settings, django_capture_on_commit_callbacks
):
    settings.WANGGE_NOTIFY_BACKEND = "wangge.core.tests.test_notify.FakeGateway"
    SENT.clear()
    user = testing.make_user("someone", None, None)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_many(
            subject="通知",
            link="/notices/1/",
            recipients=[
                (user.pk, None, "13912345678"),
                (None, None, ""),
                (None, None, "13800000000"),
            ],
        )
    assert sent == 2
    assert Notification.objects.get().user == user
    assert sorted(SENT) == [("13800000000", "通知"), ("13912345678", "通知")]


@pytest.mark.parametrize(
    ("hour", "quiet", "ends"),
    [
        (20, False, "20:30"),
        (21, True, "07:00"),
        (23, True, "07:00"),
        (3, True, "07:00"),
        (7, False, "07:30"),
    ],
)
def test_quiet_hours_wrap_midnight(settings, hour, quiet, ends):
    settings.WANGGE_QUIET_HOURS = "21-7"
    at = datetime.datetime(2026, 10, 8, hour, 30, tzinfo=SHANGHAI)
    assert in_quiet_hours(at) is quiet
    assert timezone.localtime(quiet_hours_end(at)).strftime("%H:%M") == ends


def test_no_quiet_hours_when_switched_off(settings):
    settings.WANGGE_QUIET_HOURS = "0-0"
    assert not in_quiet_hours(datetime.datetime(2026, 10, 8, 2, 0, tzinfo=SHANGHAI))
