"""The timeline row every write adds, and the notifications that follow it."""

from django.urls import reverse
from django.utils import timezone

from wangge.appeals.models import ActorKind, Appeal, AppealEvent
from wangge.core.notify import notify


def _event(appeal: Appeal, kind: str, *, actor=None, actor_kind=ActorKind.USER, **fields):
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_kind=actor_kind,
        at=fields.pop("at", None) or timezone.now(),
        level=appeal.level,
        grid_id=appeal.grid_id,
        assignee_member_id=appeal.assignee_member_id,
        area_code=appeal.area_code,
        township_code=appeal.township_code,
        **fields,
    )


def _link(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


def _notify_assignee(appeal: Appeal, subject: str, body: str = "") -> None:
    notify(
        subject=subject,
        body=body,
        link=_link(appeal),
        member=appeal.assignee_member,
        user=appeal.assignee_user,
    )


def _notify_resident(appeal: Appeal, subject: str) -> None:
    if appeal.contact_phone:
        notify(subject=subject, phone=appeal.contact_phone)
