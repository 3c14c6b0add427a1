import datetime
import threading
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from wangge.appeals.models import Appeal, AppealEvent, Channel, EventKind, Rating, State
from wangge.appeals.services import (
    appeal_accept,
    appeal_create,
    appeal_escalate,
    appeal_rate,
    appeal_resolve,
    appeal_start,
    appeals_escalate_overdue,
)
from wangge.core.errors import DomainError
from wangge.core.models import Notification
from wangge.grids.services import grid_update

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _create(world, **kw):
    defaults = dict(
        actor=world.users[4],
        household=world.household,
        category=world.categories["water"],
        text="自来水停了三天",
        channel=Channel.MEMBER,
    )
    defaults.update(kw)
    return appeal_create(**defaults)


def test_member_intake_routes_to_l4_and_writes_timeline(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = _create(world)
    assert req.state == State.SUBMITTED
    assert req.grid == world.grids[4] and req.level == 4
    assert req.assignee_member == world.members[4]
    assert req.assignee_user == world.users[4]
    assert req.contact_name == "李大毛"
    assert req.contact_phone_masked == "138****0001"
    assert len(req.ticket) == 12
    event = AppealEvent.objects.get(appeal=req)
    assert event.kind == EventKind.CREATED and event.due_at == req.accept_due_at
    assert Notification.objects.filter(user=world.users[4], subject__contains=req.ticket).exists()


def test_routing_falls_back_to_l3_when_l4_has_nobody(world):
    l4 = world.grids[4]
    grid_update(
        actor=None,
        grid=l4,
        expected_version=l4.version,
        name=l4.name,
        responsible=None,
        parent=world.grids[3],
    )
    req = _create(world)
    assert req.grid == world.grids[3] and req.level == 3
    assert req.assignee_member == world.members[3]


def test_household_without_grid_is_unassigned_but_recorded(world, township_admin):
    req = _create(
        world, actor=township_admin, household=world.household_b, channel=Channel.PHONE_LINE
    )
    assert req.grid is None and req.assignee_member is None
    assert req.area_code.startswith("340827200201")


def test_idempotency_key_stores_once(world):
    first = _create(world, idempotency_key="abc-123")
    second = _create(world, idempotency_key="abc-123", text="不同的文字")
    assert first.pk == second.pk
    assert Appeal.objects.count() == 1


def test_member_outside_area_cannot_record(world, secretary_b):
    with pytest.raises(PermissionDenied):
        _create(world, actor=secretary_b)


def test_invalid_phone_and_empty_text_are_refused(world):
    with pytest.raises(ValidationError) as err:
        _create(world, contact_phone="12345")
    assert "contact_phone" in err.value.message_dict
    with pytest.raises(ValidationError):
        _create(world, text="   ")


def test_lifecycle_and_out_of_order(world):
    req = _create(world)
    user = world.users[4]
    with pytest.raises(DomainError) as err:
        appeal_resolve(actor=user, appeal=req, note="修好了")
    assert "Submitted" in err.value.message and "Accept it first." in err.value.message
    req = appeal_accept(actor=user, appeal=req)
    assert req.state == State.ACCEPTED and req.due_at == req.resolve_due_at
    with pytest.raises(DomainError):
        appeal_accept(actor=user, appeal=req)
    req = appeal_start(actor=user, appeal=req)
    req = appeal_resolve(actor=user, appeal=req, note="已修复水管")
    req = appeal_rate(actor=None, appeal=req, rating=Rating.SATISFIED)
    assert req.state == State.RATED and req.rating == Rating.SATISFIED
    kinds = list(req.events.values_list("kind", flat=True))
    assert kinds == ["created", "accepted", "started", "resolved", "rated"]


def test_plain_member_who_is_not_assignee_cannot_act(world, member_a):
    req = _create(world)
    with pytest.raises(PermissionDenied):
        appeal_accept(actor=member_a, appeal=req)


def test_unsatisfied_reopens_once_and_escalates(world):
    user = world.users[4]
    req = _create(world)
    req = appeal_accept(actor=user, appeal=req)
    req = appeal_resolve(actor=user, appeal=req, note="处理了")
    req = appeal_rate(actor=None, appeal=req, rating=Rating.UNSATISFIED)
    assert req.state == State.IN_PROGRESS
    assert req.reopen_count == 1 and req.level == 3
    assert req.assignee_member == world.members[3]
    req = appeal_resolve(actor=world.users[3], appeal=req, note="再次处理")
    req = appeal_rate(actor=None, appeal=req, rating=Rating.UNSATISFIED)
    assert req.state == State.RATED and req.reopen_count == 1 and req.level == 3
    kinds = list(req.events.values_list("kind", flat=True))
    assert kinds.count("reopened") == 1 and kinds.count("escalated") == 1


def test_manual_escalation_needs_reason_and_stops_at_top(world):
    req = _create(world)
    secretary = world.users[2]
    with pytest.raises(ValidationError):
        appeal_escalate(actor=secretary, appeal=req, reason="")
    for level in (3, 2, 1):
        req = appeal_escalate(actor=secretary, appeal=req, reason="需要上级协调")
        assert req.level == level
    with pytest.raises(DomainError) as err:
        appeal_escalate(actor=secretary, appeal=req, reason="再上报")
    assert "top level" in err.value.message


def test_two_conditional_transitions_only_one_wins(world):
    req = _create(world)
    stale = Appeal.objects.get(pk=req.pk)
    appeal_accept(actor=world.users[4], appeal=req)
    with pytest.raises(DomainError):
        appeal_accept(actor=world.users[2], appeal=stale)
    assert AppealEvent.objects.filter(appeal=req, kind=EventKind.ACCEPTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_in_threads_only_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the conditional update is covered above")
    req = _create(world)
    results = []

    def act(user):
        try:
            appeal_accept(actor=user, appeal=Appeal.objects.get(pk=req.pk))
            results.append("won")
        except DomainError:
            results.append("lost")
        finally:
            connection.close()

    barrier_users = [world.users[4], world.users[2]]
    threads = [threading.Thread(target=act, args=(u,)) for u in barrier_users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["lost", "won"]
    assert AppealEvent.objects.filter(appeal=req, kind=EventKind.ACCEPTED).count() == 1


def test_automatic_escalation_is_idempotent(world, django_capture_on_commit_callbacks):
    # Submitted Friday 2026-11-27 10:00: accept within 24 working hours → Monday 10:00.
    friday = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
    req = _create(world, at=friday)
    assert timezone.localtime(req.accept_due_at) == datetime.datetime(
        2026, 11, 30, 10, 0, tzinfo=SHANGHAI
    )
    sunday = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=SHANGHAI)
    assert appeals_escalate_overdue(now=sunday) == 0
    monday = datetime.datetime(2026, 11, 30, 11, 0, tzinfo=SHANGHAI)
    with django_capture_on_commit_callbacks(execute=True):
        assert appeals_escalate_overdue(now=monday) == 1
        assert appeals_escalate_overdue(now=monday) == 0
    req.refresh_from_db()
    assert req.level == 3 and req.escalation_count == 1
    assert req.events.filter(kind=EventKind.ESCALATED, automatic=True).count() == 1
    assert Notification.objects.filter(
        user=world.users[3], subject__startswith="Supervision notice"
    ).exists()


def test_urgent_category_counts_clock_hours(world):
    saturday = datetime.datetime(2026, 11, 28, 20, 0, tzinfo=SHANGHAI)
    req = _create(world, category=world.categories["hazard"], at=saturday)
    assert req.urgent
    assert req.accept_due_at == saturday + datetime.timedelta(hours=2)


def test_visit_without_category_files_under_other(world):
    req = _create(world, category=None, channel=Channel.VISIT)
    assert req.category.slug == "other" and req.channel == Channel.VISIT


def test_periodic_task_with_frozen_time_escalates_once(world, django_capture_on_commit_callbacks):
    import time_machine

    from wangge.appeals.tasks import escalate_overdue_requests

    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI), tick=False):
        req = _create(world)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, 59, tzinfo=SHANGHAI), tick=False):
        escalate_overdue_requests.call_local()
        req.refresh_from_db()
        assert req.level == 4
    monday = datetime.datetime(2026, 11, 30, 10, 1, tzinfo=SHANGHAI)
    with (
        time_machine.travel(monday, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert escalate_overdue_requests.call_local() == 1
        assert escalate_overdue_requests.call_local() == 0
    req.refresh_from_db()
    assert req.level == 3 and req.escalation_count == 1
    event = req.events.get(kind=EventKind.ESCALATED)
    assert event.automatic and event.actor is None and event.actor_kind == "system"
    # Each level gets a fresh limit; at the top, one supervision notice, then the watch stops.
    for day in (2, 3, 4, 7, 8):
        moment = datetime.datetime(2026, 12, day, 12, 0, tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False):
            escalate_overdue_requests.call_local()
            escalate_overdue_requests.call_local()
    req.refresh_from_db()
    assert req.level == 1 and req.due_at is None
    assert req.events.filter(kind=EventKind.SUPERVISION).count() == 1


def test_unrated_requests_close_after_a_week(world):
    from wangge.appeals.services import appeals_close_unrated

    req = _create(world)
    req = appeal_accept(actor=world.users[4], appeal=req)
    req = appeal_resolve(actor=world.users[4], appeal=req, note="已处理")
    assert appeals_close_unrated(now=req.resolved_at + datetime.timedelta(days=6)) == 0
    later = req.resolved_at + datetime.timedelta(days=8)
    assert appeals_close_unrated(now=later) == 1
    assert appeals_close_unrated(now=later) == 0
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.rating == ""
    assert req.events.last().kind == EventKind.CLOSED and req.events.last().automatic
