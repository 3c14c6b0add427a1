"""Request counts for ``wangge stats``: requests by state and how many were escalated."""

from django.db.models import Count, Q

from wangge.accounts.scope import prefix_q
from wangge.appeals.models import EventKind, Request, RequestEvent, State
from wangge.dashboard.stats import stat_provider


@stat_provider
def request_stats(area_code, today) -> dict:
    requests = Request.objects.all()
    events = RequestEvent.objects.all()
    if area_code:
        requests = requests.filter(prefix_q("area_code", area_code))
        events = events.filter(prefix_q("area_code", area_code))
    by_state = dict(requests.values_list("state").annotate(n=Count("id")).order_by())
    escalated = requests.aggregate(
        total=Count("id", filter=Q(escalation_count__gt=0)),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
    )
    escalations = events.filter(kind=EventKind.ESCALATED)
    automatic = escalations.filter(automatic=True).values("request_id").distinct().count()
    return {
        "requests_by_state": {state: by_state.get(state, 0) for state in State.values},
        "requests_escalated": {
            "requests": escalated["total"],
            "automatic": automatic,
            "reopened": escalated["reopened"],
            "escalation_steps": escalations.count(),
        },
    }
