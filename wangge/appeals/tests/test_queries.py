"""Pinned query counts of the two busiest request pages (see docs/benchmarks.md, "Requests over
HTTP"): the assignee's list and the resident's public form. A change here is a change in the
cost of every request; update the numbers only on purpose."""

import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from wangge.appeals.models import Appeal, Channel
from wangge.appeals.posters import grid_qr_key
from wangge.appeals.selectors import ROWS_PER_PAGE
from wangge.appeals.services import appeal_create
from wangge.core import public


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    cache.clear()
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    yield
    cache.clear()


def _requests(world, n):
    for i in range(n):
        appeal_create(
            actor=world.users[4],
            household=world.household,
            category=world.categories["water"],
            text=f"问题{i}",
            channel=Channel.MEMBER,
        )


def test_my_requests_page_is_paged_with_six_queries(client, world, django_assert_num_queries):
    _requests(world, ROWS_PER_PAGE + 3)
    client.force_login(world.users[4])
    client.get(reverse("appeals:mine"))  # warm-up: templates and translations loaded
    # session, user, role assignments (menu, scope and 2FA share them), count, one page, and
    # the menu's question whether an epidemic campaign runs (its follow-up list).
    with django_assert_num_queries(6):
        first = client.get(reverse("appeals:mine"))
    assert first.content.count(b'class="req-text"') == ROWS_PER_PAGE
    assert b"Page 1 of 2" in first.content
    with django_assert_num_queries(6):
        second = client.get(reverse("appeals:mine"), {"page": 2})
    assert second.content.count(b'class="req-text"') == 3
    assert "Submitted" in second.content.decode()  # the state label, once per page


def test_all_requests_page_query_count(client, world, django_assert_num_queries):
    _requests(world, 3)
    client.force_login(world.users[2])
    client.get(reverse("appeals:list"))
    # session, user, roles, count, categories, page, villages; the menu's campaign switches
    # (running epidemic, the township's 三看三比) in one.
    with django_assert_num_queries(8):
        page = client.get(reverse("appeals:list"))
    assert page.content.count(b'class="req-text"') == 3


def test_public_intake_query_count(
    client, world, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("appeals:public_form", args=[grid_qr_key(world.grids[4])])
    form = client.get(url)
    token = re.search(rb'name="token" value="([^"]+)"', form.content).group(1).decode()
    data = signing.loads(token, salt=public.SALT)
    body = {
        "token": token,
        "answer": str(data["a"] + data["b"]),
        "website": "",
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "address": "汪屋一组",
        "category": world.categories["roads"].pk,
        "text": "村口的桥坏了",
    }
    # The grid with its responsible member and account; the category; the idempotency key;
    # then one transaction (BEGIN/COMMIT, here a savepoint inside the test's transaction)
    # with the request, its timeline row, the audit chain's last hash (PostgreSQL first
    # takes the chain's advisory lock) and the audit row; on commit, the assignee's
    # notification.
    expected = 10 + (connection.vendor == "postgresql")
    with (
        django_assert_num_queries(expected),
        django_capture_on_commit_callbacks(execute=True),
    ):
        done = client.post(url, body)
    assert done.status_code == 200
    req = Appeal.objects.get()
    assert req.ticket.encode() in done.content
    assert req.assignee_member == world.members[4] and req.assignee_user == world.users[4]
    # The same form again answers with the same request, in three queries.
    with django_assert_num_queries(3):
        again = client.post(url, body)
    assert req.ticket.encode() in again.content
    assert Appeal.objects.count() == 1


def test_list_rows_show_state_deadline_overdue_and_who(client, world):
    import datetime

    from django.utils import timezone

    past = timezone.now() - datetime.timedelta(days=20)
    late = appeal_create(
        actor=world.users[4],
        household=world.household,
        category=world.categories["water"],
        text="很久以前的问题",
        channel=Channel.MEMBER,
        at=past,
    )
    client.force_login(world.users[4])
    body = client.get(reverse("appeals:mine")).content.decode()
    due = timezone.localtime(late.accept_due_at).strftime("%Y-%m-%d %H:%M")
    assert f'<strong class="overdue">Overdue</strong> accept by {due}' in body
    assert "<td>Submitted</td>" in body
    assert f"<td>{world.members[4].name}</td>" in body
    assert f'href="{reverse("appeals:detail", args=[late.pk])}"' in body
