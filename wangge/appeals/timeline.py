from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.appeals.models import AppealEvent, EventKind
from wangge.appeals.selectors import requests_for_household
from wangge.households.timeline import Entry, timeline_provider

# The steps a household's timeline shows; accepting and notes stay on the request's own page.
SHOWN = [
    EventKind.CREATED,
    EventKind.ESCALATED,
    EventKind.RESOLVED,
    EventKind.RATED,
    EventKind.REOPENED,
    EventKind.CLOSED,
]


@timeline_provider
def request_entries(user, household):
    requests = {r.pk: r for r in requests_for_household(user, household)}
    if not requests:
        return
    events = AppealEvent.objects.filter(appeal_id__in=requests, kind__in=SHOWN).order_by("at")
    for event in events.only("appeal_id", "kind", "at", "note", "rating"):
        request = requests[event.appeal_id]
        title = _("Request %(ticket)s (%(category)s): %(step)s") % {
            "ticket": request.ticket,
            "category": request.category.name,
            "step": event.get_kind_display(),
        }
        if event.kind == EventKind.CREATED:
            detail = request.text
        elif event.kind == EventKind.RATED:
            detail = event.get_rating_display()
        else:
            detail = event.note
        url = reverse("appeals:detail", args=[request.pk])
        yield Entry(event.at, "request", title, detail, url)
