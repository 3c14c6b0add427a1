from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.households.timeline import Entry, day_start, timeline_provider
from wangge.visits.selectors import visits_of_household


@timeline_provider
def visit_entries(user, household):
    for visit in visits_of_household(user, household):
        title = _("%(kind)s by %(member)s") % {
            "kind": visit.get_kind_display(),
            "member": visit.member.name if visit.member else _("a member"),
        }
        detail = " · ".join(part for part in (visit.found, visit.needs) if part)
        url = reverse("visits:visit_detail", args=[visit.pk])
        yield Entry(day_start(visit.visited_on), "visit", title, detail, url)
