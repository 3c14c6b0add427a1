import io
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.models import Appeal, Channel, State
from wangge.appeals.posters import grid_qr_key
from wangge.appeals.services import appeal_create
from wangge.core import public
from wangge.core.models import Notification


@pytest.fixture(autouse=True)
def _fresh_limits(settings, tmp_path):
    cache.clear()
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    settings.MEDIA_ROOT = tmp_path
    yield
    cache.clear()


def _form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(rb'name="token" value="([^"]+)"', page.content).group(1).decode()
    data = signing.loads(token, salt=public.SALT)
    return token, str(data["a"] + data["b"])


def _post(client, world, **over):
    url = reverse("appeals:public_form", args=[grid_qr_key(world.grids[4])])
    token, answer = _form(client, url)
    data = {
        "token": token,
        "answer": answer,
        "website": "",
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "address": "汪屋一组",
        "category": world.categories["roads"].pk,
        "text": "村口的桥坏了",
    }
    data.update(over)
    return client.post(url, data)


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


def test_public_intake_happy_path_then_track(client, world):
    response = _post(client, world, photo=SimpleUploadedFile("a.png", _png(), "image/png"))
    assert response.status_code == 200
    req = Appeal.objects.get()
    assert req.ticket.encode() in response.content
    assert req.channel == Channel.PUBLIC_QR and req.created_by is None
    assert req.assignee_member == world.members[4] and req.photo
    assert req.contact_phone == "13912345678"
    assert req.events.get().actor_kind == "resident"
    # Following it: right phone shows the state, no personal data.
    page = client.post(reverse("appeals:track"), {"ticket": req.ticket, "phone": "13912345678"})
    assert page.status_code == 200
    assert b"Submitted" in page.content
    assert "张三".encode() not in page.content and b"13912345678" not in page.content


def test_tracking_wrong_phone_answers_like_a_missing_ticket(client, world):
    _post(client, world)
    req = Appeal.objects.get()
    wrong = client.post(reverse("appeals:track"), {"ticket": req.ticket, "phone": "13800000000"})
    missing = client.post(
        reverse("appeals:track"), {"ticket": "000000-XXXXX", "phone": "13912345678"}
    )
    assert wrong.status_code == missing.status_code == 404
    strip = lambda r: re.sub(rb'value="[^"]*"', b"", r.content)  # noqa: E731
    assert strip(wrong) == strip(missing)


def test_same_form_sent_twice_is_stored_once(client, world):
    url = reverse("appeals:public_form", args=[grid_qr_key(world.grids[4])])
    token, answer = _form(client, url)
    data = {
        "token": token,
        "answer": answer,
        "contact_name": "张三",
        "contact_phone": "13912345678",
        "category": world.categories["roads"].pk,
        "text": "桥坏了",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 200
    assert Appeal.objects.count() == 1


def test_rate_limit_per_phone(client, world, settings):
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0, "submit_per_phone": (1, 3600)}
    assert _post(client, world).status_code == 200
    refused = _post(client, world, contact_phone="139 1234 5678")
    assert refused.status_code == 400
    assert b"Too many requests" in refused.content
    assert Appeal.objects.count() == 1


def test_rate_limit_per_ip(client, world, settings):
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0, "submit_per_ip": (1, 3600)}
    assert _post(client, world).status_code == 200
    assert _post(client, world, contact_phone="13711112222").status_code == 400
    assert Appeal.objects.count() == 1


def test_challenge_wrong_answer_honeypot_and_speed(client, world, settings):
    assert b"sum is not right" in _post(client, world, answer="99").content
    assert _post(client, world, website="http://spam").status_code == 400
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 60}
    assert b"very fast" in _post(client, world).content
    assert _post(client, world, token="forged").status_code == 400
    assert not Appeal.objects.exists()


def test_photo_errors(client, world):
    not_image = SimpleUploadedFile("a.png", b"<?php echo 1; ?>", "image/png")
    response = _post(client, world, photo=not_image)
    assert response.status_code == 400 and b"not a photo we can read" in response.content
    big = SimpleUploadedFile("b.jpg", b"\xff" * (5 * 1024 * 1024 + 10), "image/jpeg")
    response = _post(client, world, photo=big)
    assert response.status_code == 400 and b"larger than 5 MB" in response.content
    assert not Appeal.objects.exists()


def test_invalid_phone_refused(client, world):
    response = _post(client, world, contact_phone="123")
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_html_in_text_is_shown_escaped(client, world):
    _post(client, world, text="<script>alert(1)</script>")
    req = Appeal.objects.get()
    client.force_login(world.users[4])
    page = client.get(reverse("appeals:detail", args=[req.pk]))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_unknown_qr_key_is_404(client, world):
    assert client.get(reverse("appeals:public_form", args=["nope"])).status_code == 404


def test_staff_pages_need_login(client, world):
    response = client.get(reverse("appeals:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lifecycle_through_pages(client, world):
    user = world.users[4]
    client.force_login(user)
    new = client.get(reverse("appeals:new") + f"?household={world.household.pk}")
    assert new.status_code == 200
    response = client.post(
        reverse("appeals:new"),
        {
            "household": world.household.pk,
            "form_key": "k1",
            "category": world.categories["water"].pk,
            "text": "水管漏水",
        },
    )
    req = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{req.pk}/"
    mine = client.get(reverse("appeals:mine"))
    assert req.ticket.encode() in mine.content
    act = reverse("appeals:act", args=[req.pk])
    refused = client.post(act, {"action": "resolve", "note": "好了"}, follow=True)
    assert b"Cannot resolve" in refused.content
    for action in ("accept", "start"):
        client.post(act, {"action": action})
    client.post(act, {"action": "resolve", "note": "换了新水管"})
    # The member who did the work may not grade it: the resident or other staff rate it.
    own = client.post(act, {"action": "rate", "rating": "satisfied"}, follow=True)
    assert b"cannot rate it" in own.content
    req.refresh_from_db()
    assert req.state == State.RESOLVED
    client.force_login(world.users[2])  # the village secretary records the resident's answer
    client.post(act, {"action": "rate", "rating": "satisfied"})
    client.post(act, {"action": "close"})
    req.refresh_from_db()
    assert req.state == State.CLOSED and req.rating == "satisfied"
    page = client.get(reverse("appeals:detail", args=[req.pk]))
    assert b"Timeline" in page.content and "换了新水管".encode() in page.content
    listing = client.get(reverse("appeals:list") + "?state=closed")
    assert req.ticket.encode() in listing.content


def test_resident_rates_on_tracking_page_unsatisfied_reopens(client, world):
    req = appeal_create(
        actor=world.users[4],
        household=world.household,
        category=world.categories["water"],
        text="水压低",
        channel=Channel.MEMBER,
        contact_phone="13912345678",
    )
    from wangge.appeals.services import appeal_accept, appeal_resolve

    appeal_accept(actor=world.users[4], appeal=req)
    appeal_resolve(actor=world.users[4], appeal=req, note="调了阀门")
    page = client.post(
        reverse("appeals:track"),
        {"ticket": req.ticket, "phone": "13912345678", "rating": "unsatisfied"},
    )
    assert page.status_code == 200 and b"rating is recorded" in page.content
    assert "调了阀门".encode() in page.content  # what was done, for the resident to judge
    req.refresh_from_db()
    assert req.state == State.IN_PROGRESS and req.level == 3 and req.reopen_count == 1


def test_scope_404_and_read_only_403(client, world, secretary_b, member_a):
    req = appeal_create(
        actor=world.users[4],
        household=world.household,
        category=world.categories["water"],
        text="水压低",
        channel=Channel.MEMBER,
    )
    client.force_login(secretary_b)
    assert client.get(reverse("appeals:detail", args=[req.pk])).status_code == 404
    assert (
        client.post(reverse("appeals:act", args=[req.pk]), {"action": "accept"}).status_code == 404
    )
    assert req.ticket.encode() not in client.get(reverse("appeals:list")).content
    # A member of the village who neither entered it nor has the household in their grid or
    # pairings does not see it (least privilege); its own member reads it but cannot act.
    client.force_login(member_a)
    assert client.get(reverse("appeals:detail", args=[req.pk])).status_code == 404
    assert req.ticket.encode() not in client.get(reverse("appeals:list")).content
    client.force_login(world.users[4])
    assert client.get(reverse("appeals:detail", args=[req.pk])).status_code == 200
    client.force_login(testing.make_user("leader-ro", Role.DISCIPLINE, testing.VILLAGE_A))
    assert client.get(reverse("appeals:detail", args=[req.pk])).status_code == 200
    assert (
        client.post(reverse("appeals:act", args=[req.pk]), {"action": "accept"}).status_code == 403
    )
    req.refresh_from_db()
    assert req.state == State.SUBMITTED


def test_phone_intake_by_township_staff(client, world, township_admin, member_a):
    client.force_login(member_a)
    assert client.get(reverse("appeals:phone")).status_code == 403
    client.force_login(township_admin)
    assert client.get(reverse("appeals:phone")).status_code == 200
    response = client.post(
        reverse("appeals:phone"),
        {
            "form_key": "p1",
            "grid": world.grids[4].pk,
            "category": world.categories["elderly"].pk,
            "text": "老人独居需要照看",
            "contact_name": "王奶奶",
            "contact_phone": "0556-1234567",
        },
    )
    assert response.status_code == 302
    req = Appeal.objects.get()
    assert req.channel == Channel.PHONE_LINE and req.assignee_member == world.members[4]


def test_poster_page_and_png(client, world, member_a):
    client.force_login(world.users[2])
    page = client.get(reverse("appeals:poster", args=[world.grids[4].pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    world.grids[4].refresh_from_db()
    assert world.grids[4].qr_key and world.grids[4].qr_key.encode() in page.content
    png = client.get(reverse("appeals:poster_png", args=[world.grids[4].pk]))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    client.force_login(member_a)
    assert client.get(reverse("appeals:poster", args=[world.grids[4].pk])).status_code == 403


def test_notifications_reach_the_inbox(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = appeal_create(
            actor=world.users[2],
            household=world.household,
            category=world.categories["water"],
            text="水压低",
            channel=Channel.MEMBER,
        )
    assert Notification.objects.filter(user=world.users[4]).count() == 1
    client.force_login(world.users[4])
    page = client.get(reverse("inbox"))
    assert req.ticket.encode() in page.content
    client.post(reverse("inbox_read"))
    assert not Notification.objects.filter(user=world.users[4], read_at__isnull=True).exists()


def test_township_office_edits_time_limits(client, world, township_admin, member_a):
    water = world.categories["water"]
    url = reverse("appeals:categories")
    client.force_login(member_a)
    page = client.get(url)
    assert page.status_code == 200 and "饮水供水".encode() in page.content
    assert (
        client.post(
            url, {"pk": water.pk, "name": "x", "accept_hours": 1, "resolve_working_days": 1}
        ).status_code
        == 403
    )
    client.force_login(township_admin)
    response = client.post(
        url,
        {
            "pk": water.pk,
            "name": "饮水安全",
            "accept_hours": 8,
            "resolve_working_days": 3,
            "urgent": "1",
            "active": "1",
        },
    )
    assert response.status_code == 302
    water.refresh_from_db()
    assert (water.name, water.accept_hours, water.resolve_working_days, water.urgent) == (
        "饮水安全",
        8,
        3,
        True,
    )
    bad = client.post(
        url,
        {"pk": water.pk, "name": "x", "accept_hours": 0, "resolve_working_days": 3},
        follow=True,
    )
    assert b"Accept within 1 to 720 hours" in bad.content
    client.post(url, {"name": "殡葬服务", "accept_hours": 24, "resolve_working_days": 5})
    assert water.__class__.objects.filter(name="殡葬服务", township_id=water.township_id).exists()


def test_lists_run_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(6):
        appeal_create(
            actor=world.users[4],
            household=world.household,
            category=world.categories["water"],
            text=f"问题{i}",
            channel=Channel.MEMBER,
        )
    client.force_login(world.users[4])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("appeals:mine")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("appeals:list")).status_code == 200


def test_village_posters_one_per_grid(client, world, member_a, secretary_b):
    client.force_login(world.users[2])
    page = client.get(reverse("appeals:posters"))
    assert page.status_code == 200
    assert page.content.count(b"<svg") == 2  # levels 3 and 4
    client.force_login(secretary_b)
    assert client.get(reverse("appeals:posters")).content.count(b"<svg") == 0
    client.force_login(member_a)
    assert client.get(reverse("appeals:posters")).status_code == 403


def test_household_page_lists_its_requests(client, world):
    req = appeal_create(
        actor=world.users[4],
        household=world.household,
        category=world.categories["water"],
        text="水压低",
        channel=Channel.MEMBER,
    )
    client.force_login(world.users[4])  # the household is in their grid
    page = client.get(reverse("households:household_detail", args=[world.household.pk]))
    assert page.status_code == 200
    assert req.ticket.encode() in page.content
    assert f"/requests/new/?household={world.household.pk}".encode() in page.content


def test_photo_is_served_only_within_scope(client, world, secretary_b):
    _post(client, world, photo=SimpleUploadedFile("a.png", _png((3000, 2000)), "image/png"))
    req = Appeal.objects.get()
    client.force_login(world.users[4])
    photo = client.get(reverse("appeals:photo", args=[req.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    stored = Image.open(io.BytesIO(b"".join(photo.streaming_content)))
    assert max(stored.size) == 1600  # re-encoded, shrunk, metadata dropped
    client.force_login(secretary_b)
    assert client.get(reverse("appeals:photo", args=[req.pk])).status_code == 404
