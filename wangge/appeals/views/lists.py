"""The appeal lists: the assignee's own, and the village and township lists with filters."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import townships_of, visible
from wangge.appeals.models import State
from wangge.appeals.selectors import (
    ROWS_PER_PAGE,
    RequestFilters,
    categories_of,
    filtered_requests,
    for_rows,
    my_requests,
)
from wangge.core.periods import PeriodError
from wangge.imports.exporting import can_export
from wangge.regions.models import Level, Region


def _rows(page, now):
    """Prepare each row of an appeal list in Python, once per page: the state's label
    (``get_state_display`` translates all six labels on every call), the deadline that runs
    and whether it has passed, and who is responsible — cheaper than template logic per row."""
    labels = {value: str(label) for value, label in State.choices}
    words = {State.SUBMITTED: _("accept by")}
    words[State.ACCEPTED] = words[State.IN_PROGRESS] = _("resolve by")
    for row in page:
        row.state_label = labels.get(row.state, row.state)
        due = row.accept_due_at if row.state == State.SUBMITTED else row.resolve_due_at
        row.due_word = words.get(row.state, "")
        row.due_at_text = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else ""
        row.is_overdue = bool(row.due_word and due and due < now)
        member, user = row.assignee_member, row.assignee_user
        row.who = (member.name if member else "") or (str(user) if user else "") or "—"
    return page


def request_mine(request):
    page = Paginator(for_rows(my_requests(request.user)), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "appeals/mine.html", {"page": _rows(page, timezone.now())})


def request_index(request):
    f = request.GET
    try:
        filters = RequestFilters.from_params(f)
    except PeriodError:
        filters = RequestFilters.from_params({**f.dict(), "period": ""})
    qs = filtered_requests(request.user, filters)
    page = Paginator(for_rows(qs), ROWS_PER_PAGE).get_page(f.get("page"))
    villages = visible(Region.objects.filter(level=Level.VILLAGE), request.user, field="code")
    townships = townships_of(request.user)
    categories = list(categories_of(townships[0])) if len(townships) == 1 else []
    return render(
        request,
        "appeals/list.html",
        {
            "page": _rows(page, timezone.now()),
            "states": State.choices,
            "villages": villages,
            "categories": categories,
            "f": f,
            "now": timezone.now(),
            "can_export": can_export(request.user),
            "export_query": urlencode(filters.query()),
        },
    )
