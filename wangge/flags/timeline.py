from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.flags.selectors import flag_list
from wangge.households.timeline import Entry, timeline_provider


@timeline_provider
def flag_entries(user, household):
    for flag in flag_list(user).filter(household=household):
        url = reverse("flags:flag_detail", args=[flag.pk])
        name = flag.rule.name
        yield Entry(
            flag.raised_at, "flag", _("Risk flag raised: %(rule)s") % {"rule": name}, "", url
        )
        if flag.decided_at:
            title = _("Risk flag %(rule)s: %(status)s") % {
                "rule": name,
                "status": flag.get_status_display(),
            }
            yield Entry(flag.decided_at, "flag", title, flag.reason, url)
        if flag.lapsed_at:
            title = _("Risk flag lapsed: %(rule)s") % {"rule": name}
            yield Entry(flag.lapsed_at, "flag", title, "", url)
