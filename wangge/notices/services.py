"""Writes for notices and feedback: send, open, release held texts; write, reply, close, and
turn feedback into a request (the appeals intake) or an opinion (the campaigns service)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import RoleAssignment
from wangge.accounts.scope import area_prefixes
from wangge.appeals.models import Appeal, Channel
from wangge.appeals.services import appeal_create
from wangge.audit.services import audit_record
from wangge.campaigns.models import Campaign, Opinion
from wangge.campaigns.services import opinion_record, require_campaign_staff
from wangge.core.errors import DomainError
from wangge.core.models import Notification
from wangge.core.notify import in_quiet_hours, notify, notify_many
from wangge.grids.models import Grid
from wangge.notices.attachments import attachments_clean
from wangge.notices.audience import Targets, audience_resolve
from wangge.notices.models import (
    Addressee,
    Attachment,
    Delivery,
    Feedback,
    FeedbackState,
    Notice,
    NoticeKind,
    Reply,
    SmsState,
    Topic,
)
from wangge.notices.permissions import SENDERS, may_send_urgent, require_handle, require_sender
from wangge.notices.selectors import notice_for_user
from wangge.party.models import Member
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Region

MAX_TITLE = 100
MAX_TEXT = 5000
ALREADY_CONVERTED = _("This feedback has already been turned into a request or an opinion.")


def _text(value: str, *, field: str, empty: str, limit: int) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        raise ValidationError({field: empty})
    if len(value) > limit:
        raise ValidationError({field: _("Keep it under %(n)d characters.") % {"n": limit}})
    return value


def _choice(value: str, choices, *, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the listed options.")})
    return value


# --- notices ----------------------------------------------------------------------------------


def notice_send(
    *,
    actor,
    area: Region,
    title: str,
    body: str,
    targets: Targets,
    kind: str = NoticeKind.NOTICE,
    topic: str = Topic.OTHER,
    urgent: bool = False,
    by_sms: bool = False,
    files=(),
) -> Notice:
    """Send a notice to the members the targets name in ``area``; nothing is stored on error."""
    require_sender(actor, area.code)
    if urgent and not may_send_urgent(actor, area.code):
        raise PermissionDenied(
            _("Only the township office may send an urgent notice of a declared emergency.")
        )
    title = _text(title, field="title", empty=_("Give the notice a title."), limit=MAX_TITLE)
    body = _text(body, field="body", empty=_("Write the notice's text."), limit=MAX_TEXT)
    kind = _choice(kind, NoticeKind, field="kind")
    topic = _choice(topic, Topic, field="topic")
    if targets.is_empty():
        raise ValidationError(
            {
                "audience": _(
                    "Choose who receives the notice: all members, or villages, grids, layers, "
                    "branches or roles."
                )
            }
        )
    cleaned = attachments_clean(files)
    recipients = audience_resolve(area, targets)
    now = timezone.now()
    hold = by_sms and not urgent and in_quiet_hours(now)
    phones = _phones([r.member_id for r in recipients if r.member_id]) if by_sms else {}
    with transaction.atomic():
        notice = Notice(
            title=title,
            body=body,
            kind=kind,
            topic=topic,
            urgent=urgent,
            by_sms=by_sms,
            audience=targets.as_json(),
            audience_label=targets.label(area),
            recipient_count=len(recipients),
            sent_by=actor,
            sent_at=now,
        )
        notice.set_area(area)
        notice.save()
        for clean in cleaned:
            attachment = Attachment(
                notice=notice, name=clean.name, content_type=clean.content_type, size=clean.size
            )
            attachment.file.save(clean.content.name, clean.content, save=False)
            attachment.save()

        def sms_state(member_id):
            if not phones.get(member_id):
                return SmsState.NONE
            return SmsState.HELD if hold else SmsState.SENT

        Delivery.objects.bulk_create(
            [
                Delivery(
                    notice=notice,
                    member_id=r.member_id,
                    user_id=r.user_id if r.member_id is None else None,
                    area_code=r.area_code,
                    grid_id=r.grid_id,
                    delivered_at=now,
                    sms=sms_state(r.member_id),
                )
                for r in recipients
            ],
            batch_size=500,
        )
        audit_record(
            actor=actor,
            action="notices.notice_send",
            obj=notice,
            detail={
                "recipients": len(recipients),
                "audience": notice.audience,
                "urgent": urgent,
                "by_sms": by_sms,
                "attachments": len(cleaned),
                "texts_held": hold,
            },
        )
        notify_many(
            subject=_notice_subject(notice),
            body=body[:200],
            link=reverse("notices:detail", args=[notice.pk]),
            recipients=[
                (r.user_id, r.member_id, "" if hold else phones.get(r.member_id, ""))
                for r in recipients
            ],
        )
    return notice


def _notice_subject(notice: Notice) -> str:
    if notice.urgent:
        return _("[Urgent] %(title)s") % {"title": notice.title}
    return notice.title


def _phones(member_ids: list[int]) -> dict[int, str]:
    return {
        pk: phone
        for pk, phone in Member.objects.filter(pk__in=member_ids).values_list("pk", "phone")
        if phone
    }


def notice_open(*, user, notice: Notice) -> bool:
    """Record that the recipient opened the notice (a receipt counted per village, not shown
    by name); True the first time."""
    if not getattr(user, "is_authenticated", False):
        return False
    mine = Q(user_id=user.pk)
    if user.member_id:
        mine |= Q(member_id=user.member_id)
    now = timezone.now()
    unopened = Delivery.objects.filter(mine, notice=notice, opened_at__isnull=True)
    if not unopened.update(opened_at=now):
        return False
    # The inbox message that announced it is read too.
    inbox_q = Q(user_id=user.pk)
    if user.member_id:
        inbox_q |= Q(member_id=user.member_id, user__isnull=True)
    Notification.objects.filter(
        inbox_q, read_at__isnull=True, link=reverse("notices:detail", args=[notice.pk])
    ).update(read_at=now)
    return True


def notices_release_held(*, at: datetime.datetime | None = None) -> int:
    """Send the texts held during the quiet hours, once they are over; idempotent."""
    at = at or timezone.now()
    if in_quiet_hours(at):
        return 0
    sent = 0
    held = Delivery.objects.filter(sms=SmsState.HELD).values_list("notice_id", flat=True)
    for notice in Notice.objects.filter(pk__in=held.distinct()).order_by("pk"):
        with transaction.atomic():
            ids = list(
                Delivery.objects.select_for_update()
                .filter(notice=notice, sms=SmsState.HELD)
                .values_list("pk", "member_id")
            )
            claimed = Delivery.objects.filter(
                pk__in=[pk for pk, _m in ids], sms=SmsState.HELD
            ).update(sms=SmsState.SENT)
            if not claimed:
                continue
            phones = _phones([m for _pk, m in ids if m])
            notify_many(
                subject=_notice_subject(notice),
                link=reverse("notices:detail", args=[notice.pk]),
                recipients=[(None, None, phones.get(m, "")) for _pk, m in ids],
            )
            audit_record(
                actor=None,
                action="notices.texts_release",
                obj=notice,
                detail={"texts": claimed},
            )
            sent += claimed
    return sent


# --- feedback ---------------------------------------------------------------------------------


def _origin(actor) -> str:
    if actor.member_id:
        member = Member.objects.filter(pk=actor.member_id).values_list("area_code", flat=True)
        if code := member.first():
            return code
    prefixes = area_prefixes(actor)
    if not prefixes:
        raise PermissionDenied(_("Only members and staff with an area may write feedback."))
    return prefixes[0]


def feedback_create(
    *,
    actor,
    subject: str,
    text: str,
    topic: str = "",
    addressed_to: str = Addressee.TOWNSHIP,
    notice: Notice | None = None,
) -> Feedback:
    """A member writes to the township or their village, about a notice they received or on
    their own; the addressee's staff are told."""
    if notice is not None:
        notice = notice_for_user(actor, notice.pk)  # 404 for a notice they cannot see
    origin = _origin(actor)
    addressed_to = _choice(addressed_to, Addressee, field="addressed_to")
    township, village = township_of(origin), village_of(origin)
    if township is None:
        raise PermissionDenied(_("Feedback goes to a township; your area is wider than one."))
    if addressed_to == Addressee.VILLAGE and village is None:
        raise ValidationError(
            {"addressed_to": _("You belong to no village: write to the township.")}
        )
    topic = _choice(topic or (notice.topic if notice else Topic.OTHER), Topic, field="topic")
    if not (subject or "").strip() and notice is not None:
        subject = notice.title
    subject = _text(subject, field="subject", empty=_("Give your message a subject."), limit=100)
    text = _text(text, field="text", empty=_("Write your message."), limit=MAX_TEXT)
    area = Region.objects.get(code=village if addressed_to == Addressee.VILLAGE else township)
    now = timezone.now()
    with transaction.atomic():
        feedback = Feedback(
            author=actor,
            author_name=str(actor)[:50],
            origin_code=origin,
            village_code=village or "",
            notice=notice,
            addressed_to=addressed_to,
            topic=topic,
            subject=subject,
            text=text,
            created_at=now,
            updated_at=now,
        )
        feedback.set_area(area)
        feedback.save()
        audit_record(actor=actor, action="notices.feedback_create", obj=feedback)
        _notify_staff(feedback, _("New feedback: %(subject)s") % {"subject": subject})
    return feedback


def _notify_staff(feedback: Feedback, subject: str) -> None:
    user_ids = set(
        RoleAssignment.objects.filter(area_id=feedback.area_code, role__in=SENDERS).values_list(
            "user_id", flat=True
        )
    )
    notify_many(
        subject=subject,
        link=reverse("notices:feedback_detail", args=[feedback.pk]),
        recipients=[(pk, None, "") for pk in sorted(user_ids) if pk != feedback.author_id],
    )


def feedback_reply(*, actor, feedback: Feedback, text: str) -> Reply:
    """The writer or the addressee's staff add to the thread; a closed thread takes no more."""
    is_author = feedback.author_id == actor.pk
    if not is_author:
        require_handle(actor, feedback.area_code)
    text = _text(text, field="text", empty=_("Write your reply."), limit=MAX_TEXT)
    if feedback.state == FeedbackState.CLOSED:
        raise DomainError(_("This thread is closed; write new feedback instead."))
    now = timezone.now()
    with transaction.atomic():
        reply = Reply.objects.create(
            feedback=feedback,
            author=actor,
            author_name=str(actor)[:50],
            from_staff=not is_author,
            text=text,
            created_at=now,
        )
        changes = {"updated_at": now}
        if feedback.state in (FeedbackState.OPEN, FeedbackState.ANSWERED):
            changes["state"] = FeedbackState.OPEN if is_author else FeedbackState.ANSWERED
        Feedback.objects.filter(pk=feedback.pk).exclude(state=FeedbackState.CLOSED).update(
            **changes
        )
        for name, value in changes.items():
            setattr(feedback, name, value)
        audit_record(
            actor=actor, action="notices.feedback_reply", obj=feedback, detail={"reply": reply.pk}
        )
        if is_author:
            _notify_staff(feedback, _("New reply: %(subject)s") % {"subject": feedback.subject})
        elif feedback.author_id:
            notify(
                user=feedback.author,
                subject=_("The township replied: %(subject)s") % {"subject": feedback.subject}
                if feedback.addressed_to == Addressee.TOWNSHIP
                else _("Your village replied: %(subject)s") % {"subject": feedback.subject},
                body=text[:200],
                link=reverse("notices:feedback_detail", args=[feedback.pk]),
            )
    return reply


def feedback_close(*, actor, feedback: Feedback) -> Feedback:
    require_handle(actor, feedback.area_code)
    with transaction.atomic():
        changed = (
            Feedback.objects.filter(pk=feedback.pk)
            .exclude(state=FeedbackState.CLOSED)
            .update(state=FeedbackState.CLOSED, updated_at=timezone.now())
        )
        if not changed:
            raise DomainError(_("This thread is already closed."))
        feedback.state = FeedbackState.CLOSED
        audit_record(actor=actor, action="notices.feedback_close", obj=feedback)
    return feedback


def _claim(feedback: Feedback, actor, **link) -> None:
    """Mark the feedback converted, once only: the second attempt (or a race) is refused."""
    now = timezone.now()
    changed = Feedback.objects.filter(
        pk=feedback.pk, appeal__isnull=True, opinion__isnull=True
    ).update(
        state=FeedbackState.CONVERTED, converted_by=actor, converted_at=now, updated_at=now, **link
    )
    if not changed:
        raise DomainError(ALREADY_CONVERTED, code="already_converted")
    feedback.refresh_from_db()


def _require_unconverted(feedback: Feedback) -> None:
    if feedback.appeal_id or feedback.opinion_id:
        raise DomainError(ALREADY_CONVERTED, code="already_converted")


def feedback_to_request(*, actor, feedback: Feedback, grid: Grid, category=None) -> Appeal:
    """Record the feedback as a resident request through the appeals intake, routed to the
    chosen grid of the writer's village."""
    require_handle(actor, feedback.area_code)
    _require_unconverted(feedback)
    village = feedback.village_code or feedback.origin_code
    if not grid.area_code.startswith(village):
        raise ValidationError({"grid": _("Choose a grid of the writer's village.")})
    with transaction.atomic():
        appeal = appeal_create(
            actor=actor,
            category=category,
            text=feedback.text[:2000],
            channel=Channel.MEMBER,
            grid=grid,
            contact_name=feedback.author_name,
        )
        _claim(feedback, actor, appeal=appeal)
        audit_record(
            actor=actor,
            action="notices.feedback_to_request",
            obj=feedback,
            detail={"request": appeal.pk, "ticket": appeal.ticket},
        )
    return appeal


def feedback_to_opinion(*, actor, feedback: Feedback, campaign: Campaign) -> Opinion:
    """Record the feedback as an opinion of a campaign over the writer's area."""
    require_handle(actor, feedback.area_code)
    require_campaign_staff(actor, feedback.origin_code)
    _require_unconverted(feedback)
    if not (campaign.collects_opinions and feedback.origin_code.startswith(campaign.area_code)):
        raise ValidationError(
            {"campaign": _("Choose a campaign that collects opinions in the writer's area.")}
        )
    with transaction.atomic():
        opinion = opinion_record(
            actor=actor,
            campaign=campaign,
            household=None,
            area=Region.objects.get(code=feedback.origin_code),
            text=feedback.text,
        )
        _claim(feedback, actor, opinion=opinion)
        audit_record(
            actor=actor,
            action="notices.feedback_to_opinion",
            obj=feedback,
            detail={"opinion": opinion.pk, "campaign": campaign.pk},
        )
    return opinion
