"""The demo's residents' requests follow the rules: a timeline in order that agrees with each
request's state, reopenings and escalations counted, most settled requests satisfied."""

from wangge.appeals.models import Appeal, AppealEvent, EventKind, Rating, State
from wangge.appeals.stats import request_stats


def check_requests_follow_the_rules():
    requests = list(Appeal.objects.prefetch_related("events"))
    assert len(requests) >= 100
    assert len({r.area_code[:12] for r in requests}) == 10  # every village
    for r in requests:
        events = list(r.events.all())
        assert [e.at for e in events] == sorted(e.at for e in events), r.ticket
        assert events[0].kind == EventKind.CREATED
        assert [e for e in events if e.to_state][-1].to_state == r.state, r.ticket
        assert sum(e.kind == EventKind.REOPENED for e in events) == r.reopen_count <= 1
        assert sum(e.kind == EventKind.ESCALATED for e in events) == r.escalation_count
    settled = [r for r in requests if r.rating]
    assert sum(r.rating == Rating.SATISFIED for r in settled) > len(settled) * 0.6
    assert any(r.reopen_count for r in requests)
    assert any(r.state in (State.SUBMITTED, State.ACCEPTED, State.IN_PROGRESS) for r in requests)
    assert AppealEvent.objects.filter(kind=EventKind.ESCALATED, automatic=True).exists()
    stats = request_stats(None, None)
    assert sum(stats["requests_by_state"].values()) == len(requests)
    assert stats["requests_escalated"]["requests"] == sum(1 for r in requests if r.escalation_count)
