"""Notifications any app can send: ``notify(user=…/member=…/phone=…, subject, body, link)``.

Messages are sent after the surrounding transaction commits (nothing goes out for a write
that rolled back). The backend is chosen by the ``WANGGE_NOTIFY_BACKEND`` setting (a dotted
path); the default, :class:`InboxBackend`, logs the message and stores a ``Notification``
row that the user reads in the in-app inbox. Residents have no account: a message to a
phone goes to the backend's ``send_sms`` — the inbox backend only logs it (masked).

A real SMS gateway plugs in by subclassing :class:`SmsGatewayBackend` and implementing
``send_sms`` (for example with a provider's HTTP API); nothing in the code base depends on
which gateway it is. Principle 4 (quiet hours) is the gateway's concern: it may queue
messages that would arrive at night.
"""

import abc
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
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


def _has_user(member) -> bool:
    try:
        return member.user is not None
    except Exception:  # RelatedObjectDoesNotExist: the member has no account
        return False
