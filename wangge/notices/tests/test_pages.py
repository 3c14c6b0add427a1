"""The notice and feedback pages: a member's inbox and thread, staff compose, reach and queue."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge import testing
from wangge.appeals.models import Appeal
from wangge.notices.audience import Targets
from wangge.notices.models import Delivery, Feedback, FeedbackState, Notice
from wangge.notices.services import feedback_create, notice_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(scene):
    return notice_send(
        actor=scene["admin"],
        area=scene["township"],
        title="低保政策宣传",
        body="低保申请条件与办理流程。",
        targets=Targets(everyone=True),
        topic="assistance",
    )


def test_member_reads_a_notice_and_it_counts_as_opened(client, scene, notice):
    client.force_login(scene["reader"])
    page = client.get("/notices/")
    assert page.status_code == 200 and "低保政策宣传" in page.content.decode()
    page = client.get(f"/notices/{notice.pk}/")
    assert page.status_code == 200 and "低保申请条件" in page.content.decode()
    assert "Reach" not in page.content.decode()  # members see no figures
    assert Delivery.objects.filter(notice=notice, opened_at__isnull=False).count() == 1


def test_reach_page_shows_counts_never_who_has_not_read(client, scene, notice):
    client.force_login(scene["reader"])
    client.get(f"/notices/{notice.pk}/")
    client.force_login(scene["admin"])
    html = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Reach" in html
    for member in scene["a"] + scene["b"]:
        assert member.name not in html
    html = client.get("/notices/sent/").content.decode()
    assert "低保政策宣传" in html
    for member in scene["a"] + scene["b"]:
        assert member.name not in html


def test_outsider_gets_404_for_notice_and_attachment(client, scene):
    village_b = scene["township"].children.get(code=testing.VILLAGE_B)
    notice = notice_send(
        actor=scene["admin"],
        area=scene["township"],
        title="太华村通知",
        body="只发太华村",
        targets=Targets(areas=[village_b]),
    )
    client.force_login(scene["reader"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/notices/{notice.pk}/files/1/").status_code == 404
    assert client.get(f"/notices/feedback/new/?notice={notice.pk}").status_code == 404
    response = client.post(
        "/notices/feedback/new/",
        {"notice": notice.pk, "addressed_to": "township", "topic": "other", "text": "x"},
    )
    assert response.status_code == 404 and not Feedback.objects.exists()
    client.force_login(scene["secretary_a"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/notices/feedback/?village={testing.VILLAGE_B}").status_code == 404


def test_send_a_notice_from_the_page(client, scene, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(scene["admin"])
    assert client.get("/notices/new/").status_code == 200
    response = client.post(
        "/notices/new/",
        {
            "area": testing.TOWNSHIP,
            "title": "森林防火通知",
            "body": "进山不带火种。",
            "kind": "notice",
            "topic": "safety",
            "villages": [testing.VILLAGE_A],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notices/{notice.pk}/"
    assert notice.recipient_count == 3


def test_bad_notices_are_refused_in_plain_words(client, scene, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(scene["admin"])
    base = {"area": testing.TOWNSHIP, "title": "t", "body": "b", "kind": "notice", "topic": "other"}
    page = client.post("/notices/new/", base)
    assert page.status_code == 400 and "Choose who receives" in page.content.decode()
    page = client.post("/notices/new/", {**base, "title": "", "villages": [testing.VILLAGE_A]})
    assert "Give the notice a title" in page.content.decode()
    assert f'<option value="{testing.VILLAGE_A}" selected>' in page.content.decode()  # kept
    exe = {"attachments": SimpleUploadedFile("a.pdf", b"MZ\x90\x00")}
    page = client.post("/notices/new/", {**base, "everyone": "1", **exe})
    assert page.status_code == 400 and "neither a PDF nor a picture" in page.content.decode()
    page = client.post("/notices/new/", {**base, "villages": ["340827200999"]})
    assert page.status_code == 400 and "of your area" in page.content.decode()
    assert not Notice.objects.exists()


def test_members_cannot_send(client, scene):
    client.force_login(scene["reader"])
    assert client.get("/notices/new/").status_code == 403
    assert client.get("/notices/sent/").status_code == 403


def test_feedback_thread_from_member_to_township_and_back(client, scene, notice):
    client.force_login(scene["reader"])
    page = client.get(f"/notices/feedback/new/?notice={notice.pk}")
    assert page.status_code == 200 and "低保政策宣传" in page.content.decode()
    response = client.post(
        "/notices/feedback/new/",
        {
            "notice": notice.pk,
            "addressed_to": "township",
            "topic": "assistance",
            "subject": "",
            "text": "我家老人能申请低保吗？",
        },
    )
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and feedback.notice == notice
    client.force_login(scene["admin"])
    queue = client.get("/notices/feedback/?topic=assistance&village=" + testing.VILLAGE_A)
    assert "低保政策宣传" in queue.content.decode()
    assert "低保政策宣传" not in client.get("/notices/feedback/?topic=safety").content.decode()
    client.post(f"/notices/feedback/{feedback.pk}/reply/", {"text": "可以，请带户口本到村里申请。"})
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.ANSWERED
    client.force_login(scene["reader"])
    assert "请带户口本" in client.get(f"/notices/feedback/{feedback.pk}/").content.decode()
    client.force_login(scene["secretary_b"])
    assert client.get(f"/notices/feedback/{feedback.pk}/").status_code == 404


def test_convert_to_request_from_the_page_once(client, scene):
    feedback = feedback_create(actor=scene["reader"], subject="水管", text="水管漏水")
    client.force_login(scene["admin"])
    url = f"/notices/feedback/{feedback.pk}/to-request/"
    client.post(url, {"grid": scene["grid"].pk})
    assert Appeal.objects.count() == 1
    response = client.post(url, {"grid": scene["grid"].pk}, follow=True)
    assert "already been turned" in response.content.decode()
    assert Appeal.objects.count() == 1
    client.force_login(scene["reader"])
    assert client.post(url, {"grid": scene["grid"].pk}).status_code == 403


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_lists_do_not_grow_their_queries_with_their_rows(client, scene):
    def more(n):
        for i in range(n):
            notice = notice_send(
                actor=scene["admin"],
                area=scene["township"],
                title=f"通知{i}",
                body="正文",
                targets=Targets(everyone=True),
            )
            feedback_create(actor=scene["reader"], subject=f"反馈{i}", text="t", notice=notice)

    more(1)
    paths = ["/notices/", "/notices/sent/", "/notices/feedback/"]
    client.force_login(scene["admin"])
    few = {p: _queries(client, p) for p in paths}
    more(4)
    assert {p: _queries(client, p) for p in paths} == few
    client.force_login(scene["reader"])
    assert _queries(client, "/notices/") == _queries(client, "/notices/")


def test_opening_a_notice_reads_its_inbox_message(
    client, scene, django_capture_on_commit_callbacks
):
    from wangge.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_send(
            actor=scene["admin"],
            area=scene["township"],
            title="通知",
            body="正文",
            targets=Targets(everyone=True),
        )
    client.force_login(scene["reader"])
    client.get(f"/notices/{notice.pk}/")
    message = Notification.objects.get(member=scene["reader"].member)
    assert message.read_at is not None
