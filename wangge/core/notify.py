"""Notifications any app can send: ``notify(user=…/member=…/phone=…, subject, body, link)``.

Messages are sent after the surrounding transaction commits (nothing goes out for a write
that rolled back). The backend is chosen by the ``WANGGE_NOTIFY_BACKEND`` setting (a dotted
path); the default, :class:`InboxBackend`, logs the message and stores a ``Notification``
row that the user reads in the in-app inbox. Residents have no account: a message to a
phone goes to the backend's ``send_sms`` — the inbox backend only logs it (masked).

A real SMS gateway plugs in by subclassing :class:`SmsGatewayBackend` and implementing
``send_sms`` (for example with a provider's HTTP API); nothing in the code base depends on
which gateway it is. Quiet hours (principle 4, ``WANGGE_QUIET_HOURS``) are told by
:func:`in_quiet_hours`: a sender that texts many people at once (notices) holds its texts until
:func:`quiet_hours_end`, except the urgent notices of a declared emergency.

:func:`notify_many` sends one message to many recipients (a notice to a township's members):
the backend stores the inbox rows in one go when it can (``deliver_many``).
"""

import abc
import datetime
import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from wangge.core.identity import mask_phone
from wangge.core.models import Notification

logger = logging.getLogger("wangge.notify")

DEFAULT_BACKEND = "wangge.core.notify.InboxBackend"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str = ""
    link: str = ""
    user_id: int | None = None
    member_id: int | None = None
    phone: str = ""


class InboxBackend:
    """Stores an inbox row for users and members; logs everything, phones masked."""

    name = "inbox"

    def deliver(self, message: Message) -> None:
        if message.user_id or message.member_id:
            Notification.objects.create(
                user_id=message.user_id,
                member_id=message.member_id,
                subject=message.subject[:200],
                body=message.body,
                link=message.link[:300],
                backend=self.name,
            )
        if message.phone:
            self.send_sms(message.phone, message)
        logger.info(
            "notify user=%s member=%s phone=%s: %s",
            message.user_id,
            message.member_id,
            mask_phone(message.phone) if message.phone else "-",
            message.subject,
        )

    def deliver_many(self, messages: list[Message]) -> None:
        """Many messages at once: inbox rows in one insert, then the texts one by one."""
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=m.user_id,
                    member_id=m.member_id,
                    subject=m.subject[:200],
                    body=m.body,
                    link=m.link[:300],
                    backend=self.name,
                )
                for m in messages
                if m.user_id or m.member_id
            ],
            batch_size=500,
        )
        phones = [m for m in messages if m.phone]
        if phones and type(self).send_sms is InboxBackend.send_sms:
            # No gateway: one line for the batch rather than one per phone.
            logger.info(
                "sms (not sent, no gateway) to %d phones: %s", len(phones), phones[0].subject
            )
            phones = []
        for m in phones:
            try:
                self.send_sms(m.phone, m)
            except Exception:  # one failed text must not stop the others
                logger.exception("text message could not be sent: %s", m.subject)
        logger.info(
            "notify %d recipients: %s", len(messages), messages[0].subject if messages else ""
        )

    def send_sms(self, phone: str, message: Message) -> None:
        logger.info("sms (not sent, no gateway) to %s: %s", mask_phone(phone), message.subject)


class SmsGatewayBackend(InboxBackend, abc.ABC):
    """Base for a real SMS gateway: inbox rows as usual, plus a text message to phones.

    Subclass it, implement ``send_sms(phone, message)`` with the provider's client (raise on
    failure: the error is logged and the inbox row is kept), and point
    ``WANGGE_NOTIFY_BACKEND`` at the subclass. Keep texts short: subject and link only.
    """

    name = "sms"

    @abc.abstractmethod
    def send_sms(self, phone: str, message: Message) -> None:
        """Hand one text message to the provider."""


def backend():
    path = getattr(settings, "WANGGE_NOTIFY_BACKEND", "") or DEFAULT_BACKEND
    return import_string(path)()


def _deliver(message: Message) -> None:
    try:
        backend().deliver(message)
    except Exception:  # a failed message must never break the action that caused it
        logger.exception("notification could not be delivered: %s", message.subject)


def notify(
    *,
    subject: str,
    body: str = "",
    link: str = "",
    user=None,
    member=None,
    phone: str = "",
) -> None:
    """Send one message to a user, a member (and the member's user account) and/or a phone.

    Called inside a service's transaction; delivery happens on commit.
    """
    user_id = getattr(user, "pk", None)
    member_id = getattr(member, "pk", None)
    if member is not None and user_id is None:
        linked = getattr(member, "user", None) if _has_user(member) else None
        user_id = getattr(linked, "pk", None)
    if not (user_id or member_id or phone):
        return
    message = Message(
        subject=str(subject),
        body=str(body),
        link=link,
        user_id=user_id,
        member_id=member_id,
        phone=phone,
    )
    transaction.on_commit(lambda: _deliver(message))


def notify_many(*, subject: str, body: str = "", link: str = "", recipients) -> int:
    """Send one message to many: ``recipients`` are ``(user_id, member_id, phone)`` triples.

    Called inside a service's transaction; delivery happens on commit. Returns how many."""
    base = Message(subject=str(subject), body=str(body), link=link)
    messages = [
        replace(base, user_id=user_id, member_id=member_id, phone=phone or "")
        for user_id, member_id, phone in recipients
        if user_id or member_id or phone
    ]
    if messages:
        transaction.on_commit(lambda: _deliver_many(messages))
    return len(messages)


def _deliver_many(messages: list[Message]) -> None:
    sender = backend()
    try:
        if hasattr(sender, "deliver_many"):
            sender.deliver_many(messages)
        else:
            for message in messages:
                sender.deliver(message)
    except Exception:  # a failed message must never break the action that caused it
        logger.exception("notifications could not be delivered: %s", messages[0].subject)


def quiet_hours() -> tuple[int, int]:
    """The quiet hours as (first hour, hour they end), local time; (0, 0) means none."""
    raw = str(getattr(settings, "WANGGE_QUIET_HOURS", "") or "0-0")
    start, _sep, end = raw.partition("-")
    return int(start) % 24, int(end or 0) % 24


def in_quiet_hours(at: datetime.datetime | None = None) -> bool:
    start, end = quiet_hours()
    hour = timezone.localtime(at or timezone.now()).hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def quiet_hours_end(at: datetime.datetime | None = None) -> datetime.datetime:
    """When texts may go out again: ``at`` itself outside the quiet hours."""
    at = at or timezone.now()
    if not in_quiet_hours(at):
        return at
    _start, end = quiet_hours()
    local = timezone.localtime(at)
    ends = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if ends <= local:
        ends += datetime.timedelta(days=1)
    return ends


def _has_user(member) -> bool:
    try:
        return member.user is not None
    except Exception:  # RelatedObjectDoesNotExist: the member has no account
        return False
