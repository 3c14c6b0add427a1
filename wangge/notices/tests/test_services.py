"""Notices and feedback through the services: audience, receipts, quiet hours, conversions."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from wangge import testing
from wangge.appeals.models import Appeal, Channel
from wangge.audit.models import AuditEvent
from wangge.campaigns.services import campaign_create
from wangge.core.errors import DomainError
from wangge.core.models import Notification
from wangge.core.stats import collect_stats
from wangge.notices.audience import Targets
from wangge.notices.models import (
    Addressee,
    Attachment,
    Delivery,
    Feedback,
    FeedbackState,
    Notice,
    SmsState,
)
from wangge.notices.selectors import notice_reach
from wangge.notices.services import (
    feedback_close,
    feedback_create,
    feedback_reply,
    feedback_to_opinion,
    feedback_to_request,
    notice_open,
    notice_send,
    notices_release_held,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _send(scene, targets, *, actor=None, area=None, **extra):
    return notice_send(
        actor=actor or scene["admin"],
        area=area or scene["township"],
        title=extra.pop("title", "关于做好秸秆禁烧工作的通知"),
        body=extra.pop("body", "各村：秋收在即，严禁焚烧秸秆。"),
        targets=targets,
        **extra,
    )


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG")
    return SimpleUploadedFile("海报.png", out.getvalue(), content_type="image/png")


def test_all_members_in_scope_receive_it_once_in_their_inbox(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = _send(scene, Targets(everyone=True, grids=[scene["grid"]]))
    assert notice.recipient_count == 5
    assert Delivery.objects.filter(notice=notice).count() == 5
    assert Notification.objects.filter(member__in=scene["a"] + scene["b"]).count() == 5
    # reached through the chosen grid, for the per-grid figure
    assert Delivery.objects.filter(notice=notice, grid=scene["grid"]).count() == 2
    assert AuditEvent.objects.filter(action="notices.notice_send").count() == 1


def test_a_village_secretary_reaches_only_their_village(scene):
    notice = _send(
        scene,
        Targets(everyone=True),
        actor=scene["secretary_a"],
        area=scene["village_a"],
    )
    assert notice.recipient_count == 3
    with pytest.raises(PermissionDenied):
        _send(scene, Targets(everyone=True), actor=scene["secretary_a"])  # the township


def test_an_empty_audience_is_refused_and_nothing_stored(scene):
    with pytest.raises(ValidationError, match="Choose who receives"):
        _send(scene, Targets())
    empty_grid_targets = Targets(layers=[scene["layers"]["governance"]])
    with pytest.raises(ValidationError, match="Nobody would receive"):
        _send(scene, empty_grid_targets)
    assert not Notice.objects.exists() and not Delivery.objects.exists()


def test_targets_outside_the_senders_area_are_refused(scene):
    village_b = scene["township"].children.get(code=testing.VILLAGE_B)
    with pytest.raises(ValidationError, match="of your area"):
        _send(
            scene,
            Targets(areas=[village_b]),
            actor=scene["secretary_a"],
            area=scene["village_a"],
        )
    assert not Notice.objects.exists()


def test_roles_reach_staff_without_a_member_record(scene):
    from wangge.accounts.models import Role

    notice = _send(scene, Targets(roles=[Role.VILLAGE_SECRETARY]))
    users = set(Delivery.objects.filter(notice=notice).values_list("user_id", flat=True))
    assert users == {scene["secretary_a"].pk, scene["secretary_b"].pk}


def test_attachments_pdf_and_picture_accepted_others_refused(scene, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile(
        "方案.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF", content_type="application/pdf"
    )
    notice = _send(scene, Targets(everyone=True), files=[pdf, _png()])
    kinds = sorted(Attachment.objects.filter(notice=notice).values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/jpeg"]
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="neither a PDF nor a picture"):
        _send(scene, Targets(everyone=True), files=[fake])
    settings.WANGGE_NOTICE_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="larger than"):
        _send(scene, Targets(everyone=True), files=[_png()])
    assert Notice.objects.count() == 1


def test_texts_are_held_in_the_quiet_hours_and_sent_after(scene, settings, time_machine):
    time_machine.move_to(datetime.datetime(2026, 10, 8, 22, 30, tzinfo=SHANGHAI))
    notice = _send(scene, Targets(everyone=True), by_sms=True)
    assert Delivery.objects.filter(notice=notice, sms=SmsState.HELD).count() == 5
    assert notices_release_held() == 0  # still night
    time_machine.move_to(datetime.datetime(2026, 10, 9, 7, 5, tzinfo=SHANGHAI))
    assert notices_release_held() == 5
    assert notices_release_held() == 0
    assert Delivery.objects.filter(notice=notice, sms=SmsState.SENT).count() == 5


def test_an_urgent_notice_of_a_declared_emergency_texts_at_night(scene, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 20, 23, 0, tzinfo=SHANGHAI))
    notice = _send(scene, Targets(everyone=True), by_sms=True, urgent=True, title="山火紧急通知")
    assert not Delivery.objects.filter(notice=notice, sms=SmsState.HELD).exists()
    with pytest.raises(PermissionDenied):
        _send(
            scene,
            Targets(everyone=True),
            actor=scene["secretary_a"],
            area=scene["village_a"],
            urgent=True,
        )


def test_reach_counts_per_village_never_names(scene):
    notice = _send(scene, Targets(everyone=True))
    assert notice_open(user=scene["reader"], notice=notice)
    assert not notice_open(user=scene["reader"], notice=notice)  # counted once
    reach = notice_reach(scene["admin"], notice)
    assert (reach.recipients, reach.delivered, reach.opened) == (5, 5, 1)
    rows = {r.code: (r.recipients, r.opened) for r in reach.by_village}
    assert rows == {testing.VILLAGE_A: (3, 1), testing.VILLAGE_B: (2, 0)}
    # village A's secretary sees village A only
    assert [r.code for r in notice_reach(scene["secretary_a"], notice).by_village] == [
        testing.VILLAGE_A
    ]


def test_feedback_thread_reply_and_close(scene, django_capture_on_commit_callbacks):
    notice = _send(scene, Targets(everyone=True))
    with django_capture_on_commit_callbacks(execute=True):
        feedback = feedback_create(
            actor=scene["reader"], subject="", text="秸秆怎么处理？", notice=notice
        )
    assert feedback.subject == notice.title and feedback.area_code == testing.TOWNSHIP
    assert feedback.topic == notice.topic
    assert feedback.village_code == testing.VILLAGE_A
    assert Notification.objects.filter(user=scene["admin"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_reply(actor=scene["admin"], feedback=feedback, text="乡里统一回收。")
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.ANSWERED
    assert Notification.objects.filter(user=scene["reader"]).exists()
    with pytest.raises(PermissionDenied):
        feedback_reply(actor=scene["secretary_a"], feedback=feedback, text="x")  # to the township
    feedback_close(actor=scene["admin"], feedback=feedback)
    with pytest.raises(DomainError):
        feedback_reply(actor=scene["reader"], feedback=feedback, text="还有问题")


def test_feedback_on_a_notice_the_member_cannot_see_is_404(scene):
    village_b = scene["township"].children.get(code=testing.VILLAGE_B)
    notice = _send(scene, Targets(areas=[village_b]))
    with pytest.raises(Http404):
        feedback_create(actor=scene["reader"], subject="s", text="t", notice=notice)
    assert not Feedback.objects.exists()


def test_feedback_to_the_village_is_the_villages(scene):
    feedback = feedback_create(
        actor=scene["reader"], subject="路灯", text="村口路灯坏了", addressed_to=Addressee.VILLAGE
    )
    assert feedback.area_code == testing.VILLAGE_A
    feedback_reply(actor=scene["secretary_a"], feedback=feedback, text="明天去修")
    with pytest.raises(PermissionDenied):
        feedback_reply(actor=scene["secretary_b"], feedback=feedback, text="x")


def test_convert_to_request_once_only(scene):
    feedback = feedback_create(actor=scene["reader"], subject="水管", text="水管漏水，请派人修")
    appeal = feedback_to_request(actor=scene["admin"], feedback=feedback, grid=scene["grid"])
    assert appeal.channel == Channel.MEMBER and appeal.text == "水管漏水，请派人修"
    feedback.refresh_from_db()
    assert feedback.appeal_id == appeal.pk and feedback.state == FeedbackState.CONVERTED
    with pytest.raises(DomainError, match="already been turned"):
        feedback_to_request(actor=scene["admin"], feedback=feedback, grid=scene["grid"])
    assert Appeal.objects.count() == 1


def test_convert_to_opinion_once_only(scene):
    campaign = campaign_create(
        actor=scene["admin"],
        area=scene["township"],
        name="千名党员大走访",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    feedback = feedback_create(actor=scene["reader"], subject="产业", text="希望发展特色种植")
    opinion = feedback_to_opinion(actor=scene["admin"], feedback=feedback, campaign=campaign)
    assert opinion.area_code == scene["a"][0].area_code and opinion.household is None
    with pytest.raises(DomainError, match="already been turned"):
        feedback_to_opinion(actor=scene["admin"], feedback=feedback, campaign=campaign)


def test_stats(scene):
    _send(scene, Targets(everyone=True))
    feedback_create(actor=scene["reader"], subject="s", text="t")
    stats = collect_stats(testing.TOWNSHIP, datetime.date(2026, 6, 1))
    assert stats["notices"] == 1
    assert stats["feedback_by_state"]["open"] == 1
