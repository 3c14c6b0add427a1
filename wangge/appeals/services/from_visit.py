"""From a visit: the needs a visit recorded become an appeal in one step (S6 → S7)."""

from django.db import transaction
from django.utils.translation import gettext as _

from wangge.appeals.models import Appeal, Category, Channel
from wangge.appeals.services.intake import appeal_create
from wangge.core.errors import DomainError
from wangge.visits.services import visit_need_link


def appeal_from_visit(*, actor, visit, category: Category | None = None) -> Appeal:
    """Turn the needs a visit recorded into an appeal for its household, in one step.

    Asking twice (a double tap, a retried form) gives the same appeal: the visit keeps the
    link, and the appeal's idempotency key is derived from the visit.
    """
    if visit.need_request_id:
        existing = Appeal.objects.filter(pk=visit.need_request_id).first()
        if existing is not None:
            return existing
    if not (visit.needs or "").strip():
        raise DomainError(_("This visit recorded no needs to turn into a request."))
    with transaction.atomic():
        appeal = appeal_create(
            actor=actor,
            category=category,
            text=visit.needs,
            channel=Channel.VISIT,
            household=visit.household,
            idempotency_key=f"visit-{visit.pk}",
        )
        if visit.need_request_id != appeal.pk:
            visit_need_link(actor=actor, visit=visit, request_id=appeal.pk)
    return appeal
