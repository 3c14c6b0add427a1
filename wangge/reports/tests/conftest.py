"""A township with a paired household visited this quarter and a request resolved and rated
satisfied, for the bulletin's figures."""

import pytest
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import Role
from wangge.appeals.models import Channel, Rating
from wangge.appeals.services import appeal_accept, appeal_create, appeal_rate, appeal_resolve
from wangge.core.periods import quarter_period
from wangge.grids.services import grid_layers_seed
from wangge.households.models import Tag
from wangge.pairing.models import Pairing
from wangge.visits.services import policies_seed, visit_log

HAMLET_A = testing.VILLAGE_A + "001"


def this_quarter() -> str:
    today = timezone.localdate()
    return quarter_period(today.year, (today.month + 2) // 3).key


@pytest.fixture
def scene(regions, tags, township_admin, secretary_a, secretary_b):
    grid_layers_seed()
    policies_seed(testing.TOWNSHIP)
    hardship = Tag.objects.get(slug="hardship")
    member = testing.make_member(area_code=HAMLET_A, seq=1, name="王党员")
    user = testing.make_user("field-member", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    paired = testing.make_household(
        area_code=HAMLET_A, seq=11, head_name="困难户甲", tags=[hardship]
    )
    testing.make_household(area_code=HAMLET_A, seq=12, head_name="困难户乙", tags=[hardship])
    testing.make_household(area_code=testing.VILLAGE_B + "001", seq=13, head_name="太华户丙")
    pairing = Pairing(member=member, household=paired, started_on=timezone.localdate())
    pairing.set_area(paired.area)
    pairing.save()
    visit_log(actor=user, household=paired, visited_on=timezone.localdate(), found="屋顶漏雨")
    appeal = appeal_create(
        actor=secretary_a,
        household=paired,
        category=None,
        text="屋顶漏雨",
        channel=Channel.MEMBER,
        contact_phone="13912345678",
    )
    appeal_accept(actor=secretary_a, appeal=appeal)
    appeal_resolve(actor=secretary_a, appeal=appeal, note="已修好")
    appeal_rate(actor=township_admin, appeal=appeal, rating=Rating.SATISFIED)
    return {"admin": township_admin, "a": secretary_a, "b": secretary_b}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Generated files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def generate(client, django_capture_on_commit_callbacks):
    """POST the page's generate form; the background task runs when the request commits (Huey
    runs tasks immediately in tests). Returns the response (a redirect to the report's page)."""

    def post(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/reports/generate/", data)

    return post
