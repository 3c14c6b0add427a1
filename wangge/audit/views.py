from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import has_role, visible
from wangge.audit.models import AuditEvent
from wangge.audit.services import audit_verify_chain


def event_index(request):
    """The audit log, for the audit administrator only (S13 separation of duties)."""
    if not has_role(request.user, Role.AUDIT_ADMIN):
        raise PermissionDenied(_("This page is for the audit administrator."))
    events = AuditEvent.objects.select_related("actor")
    # Events tied to an area are scoped; account-level events (logins) have none.
    events = visible(events.exclude(area_code=""), request.user) | events.filter(area_code="")
    action = (request.GET.get("action") or "").strip()[:40]
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events.order_by("-id"), 100).get_page(request.GET.get("page"))
    broken = audit_verify_chain() if request.GET.get("verify") == "1" else None
    return render(
        request,
        "audit/event_index.html",
        {
            "page": page,
            "action": action,
            "verified": request.GET.get("verify") == "1",
            "broken": broken,
        },
    )
