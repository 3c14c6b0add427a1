"""The member paired with a flagged household hears of the flag and of the decision on it."""

import datetime

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.core.models import Notification
from wangge.flags.models import Flag
from wangge.flags.services import flag_accept, flag_dismiss, rules_seed
from wangge.flags.tests.conftest import MEDICAL_HEADERS, head_id, upload
from wangge.pairing.models import Pairing


@pytest.fixture
def paired(township_admin, tags, homes):
    rules_seed(township_code=testing.TOWNSHIP, actor=township_admin)
    member = testing.make_member(area_code=testing.VILLAGE_A + "001", seq=50, name="王党员")
    user = testing.make_user("paired-member", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    pairing = Pairing(member=member, household=homes["a1"], started_on=datetime.date(2021, 1, 1))
    pairing.set_area(homes["a1"].area)
    pairing.save()
    return user


def _raise(officer, sources, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            officer,
            sources["medical_insurance"],
            MEDICAL_HEADERS,
            [
                ["汪一", head_id(1), "住院", "2021-03-05", "1", "60000"],
                ["汪二", head_id(2), "住院", "2021-03-05", "1", "60000"],
            ],
        )
    return Flag.objects.get(household__head_name="汪一")


def test_raising_a_flag_tells_the_paired_member_only(
    officer, sources, paired, django_capture_on_commit_callbacks
):
    _raise(officer, sources, django_capture_on_commit_callbacks)
    notes = list(Notification.objects.all())
    # Two households flagged, one of them paired: one message, to that member's account.
    assert len(notes) == 1
    assert notes[0].user == paired and "汪一" in notes[0].subject
    assert "大病" in notes[0].body
    assert notes[0].link.startswith("/households/")


def test_decisions_reach_the_paired_member(
    officer, sources, paired, secretary_a, django_capture_on_commit_callbacks
):
    flag = _raise(officer, sources, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        flag_accept(actor=secretary_a, flag=flag)
    latest = Notification.objects.order_by("-id").first()
    assert latest.user == paired and "assistance plan" in latest.subject
    other = Flag.objects.get(household__head_name="汪二")
    with django_capture_on_commit_callbacks(execute=True):
        flag_dismiss(actor=secretary_a, flag=other, reason="已核实，不属实")
    # 汪二's household has no paired member: nobody else is told.
    assert Notification.objects.count() == 2


def test_the_inbox_shows_the_message(
    client, officer, sources, paired, django_capture_on_commit_callbacks
):
    _raise(officer, sources, django_capture_on_commit_callbacks)
    client.force_login(paired)
    assert "汪一" in client.get("/inbox/").content.decode()
