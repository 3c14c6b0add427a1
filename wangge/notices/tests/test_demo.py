"""The notices demo: the township's notices reach members, threads get replies, one feedback
becomes a request and one an opinion."""

import datetime

import pytest

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.models import Appeal
from wangge.campaigns.services import campaign_create
from wangge.demo.notices import notices_demo_load
from wangge.grids.services import grid_create
from wangge.notices.models import Delivery, Feedback, FeedbackState, Notice, Reply

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def _login(username, role, area, member=None):
    user = testing.make_user(username, role, area)
    if member is not None:
        user.member = member
        user.save(update_fields=["member"])
    return user


def test_demo_notices_and_threads(scene):
    scene["admin"].username = "township-admin"
    scene["admin"].save(update_fields=["username"])
    _login("secretary-340827200200", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    scene["reader"].username = "member-340827200200-1"
    scene["reader"].save(update_fields=["username"])
    for n, member in enumerate(scene["a"][1:], start=2):
        _login(f"member-340827200200-{n}", Role.MEMBER, testing.VILLAGE_A, member)
    _login("member-340827200201-1", Role.MEMBER, testing.VILLAGE_B, scene["b"][1])
    campaign_create(
        actor=scene["admin"],
        area=scene["township"],
        name="千名党员大走访",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 3, 1),
    )
    grid_create(
        actor=None,
        layer=scene["layers"]["service"],
        name="太华村网格",
        area=scene["township"].children.get(code=testing.VILLAGE_B),
        level=2,
    )
    counts = notices_demo_load(seed=1, today=TODAY)
    assert counts["notices"] == Notice.objects.count() == 5  # no hill villages here
    assert Delivery.objects.filter(opened_at__isnull=False).exists()
    assert not Notice.objects.filter(sent_at__date__gt=TODAY).exists()
    assert counts["feedback"] == Feedback.objects.count() == 4
    assert Feedback.objects.filter(appeal__isnull=False).count() == 1
    assert Feedback.objects.filter(opinion__isnull=False).count() == 1
    assert Feedback.objects.filter(state=FeedbackState.CLOSED).count() == 1
    assert Reply.objects.filter(from_staff=True).exists()
    assert Appeal.objects.count() == 1
