"""The members paired with a household hear when a flag about it is raised or decided."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.core.notify import notify
from wangge.flags.services.base import CHUNK
from wangge.pairing.selectors import pairings_of_households


def notify_paired(household_ids, message) -> None:
    """Tell each member paired with these households, through the notification backend.

    ``message(pairing)`` gives ``(subject, body)``; delivery happens on commit.
    """
    ids = list(household_ids)
    for start in range(0, len(ids), CHUNK):
        for pairing in pairings_of_households(ids[start : start + CHUNK]):
            subject, body = message(pairing)
            notify(
                member=pairing.member,
                subject=subject,
                body=body,
                link=reverse("households:household_detail", args=[pairing.household_id]),
            )


def flag_raised_message(rule_name: str):
    def message(pairing):
        subject = _("A household you are paired with needs attention: %(name)s") % {
            "name": pairing.household.head_name
        }
        body = _(
            "The agencies' data raised a risk flag (%(rule)s). Visit the household and see "
            "what help it needs; the village will review the flag."
        ) % {"rule": rule_name}
        return subject, body

    return message
