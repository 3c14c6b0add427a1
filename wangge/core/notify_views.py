"""The in-app inbox: notifications sent to the user (or to the member they are)."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wangge.core.models import Notification


def _mine(user):
    q = Q(user=user)
    if user.member_id:
        q |= Q(member_id=user.member_id, user__isnull=True)
    return Notification.objects.filter(q)


def inbox(request):
    page = Paginator(_mine(request.user).order_by("-created_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/inbox.html", {"page": page})


@require_POST
def inbox_mark_read(request):
    _mine(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")
