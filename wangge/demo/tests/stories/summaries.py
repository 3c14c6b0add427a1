"""The summaries the dashboards count follow the demo's record: every loader (bulk inserts,
services, the visits of a year) went through the database's triggers, so a full refresh
would change nothing."""

from wangge.core.summaries import stale
from wangge.visits.models import HouseholdSummary
from wangge.visits.summary import HOUSEHOLDS


def check_summaries_follow_the_record() -> None:
    assert stale(HOUSEHOLDS, HouseholdSummary, "SELECT id FROM households_household") == []
    # Every paired household of the demo has a due date, and only those.
    paired = HouseholdSummary.objects.filter(paired_since__isnull=False)
    assert paired.count() == HouseholdSummary.objects.filter(due_on__isnull=False).count() > 0
