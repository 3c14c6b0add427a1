"""Request counts for ``wangge stats``: requests by state and how many were escalated.

Two aggregate queries, however many requests there are.
"""

from django.db.models import Count, Q

from wangge.accounts.scope import prefix_q
from wangge.appeals.metrics import stats_rates
from wangge.appeals.models import Appeal, AppealEvent, EventKind, State
from wangge.core.stats import stat_provider


@stat_provider
def request_stats(area_code, today) -> dict:
    requests = Appeal.objects.all()
    events = AppealEvent.objects.filter(kind=EventKind.ESCALATED)
    if area_code:
        requests = requests.filter(prefix_q("area_code", area_code))
        events = events.filter(prefix_q("area_code", area_code))
    counts = requests.aggregate(
        escalated=Count("id", filter=Q(escalation_count__gt=0)),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        **{state: Count("id", filter=Q(state=state)) for state in State.values},
    )
    steps = events.aggregate(
        steps=Count("id"),
        automatic=Count("appeal_id", filter=Q(automatic=True), distinct=True),
    )
    return {
        "requests_by_state": {state: counts[state] for state in State.values},
        "requests_escalated": {
            "requests": counts["escalated"],
            "automatic": steps["automatic"],
            "reopened": counts["reopened"],
            "escalation_steps": steps["steps"],
        },
    }


# This month's three rates (response, resolution, satisfaction), as defined in docs/metrics.md.
stat_provider(stats_rates)
