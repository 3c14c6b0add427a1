"""Demo pairings are dated before the visits their members make (issue 16)."""

from django.db.models import Min
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import Role
from wangge.demo.pairing import pairing_demo_load
from wangge.demo.visits import visits_demo_load
from wangge.households.models import Tag
from wangge.pairing.models import Pairing
from wangge.visits.models import Visit

HAMLET_A = testing.VILLAGE_A + "001"


def test_households_are_paired_before_their_first_demo_visit(township_admin, tags):
    """GIVEN key households, a member login and another member WHEN the demo pairs the township
    and writes a year of visits THEN no visit predates its household's pairing, and the
    optimiser's pairings are not dated today."""
    key = Tag.objects.filter(is_key=True).first()
    login_member = testing.make_member(area_code=HAMLET_A, seq=1, name="王党员")
    login = testing.make_user("member-demo-1", Role.MEMBER, testing.VILLAGE_A)
    login.member = login_member
    login.save(update_fields=["member"])
    for seq in range(2, 6):
        testing.make_member(area_code=HAMLET_A, seq=seq)
    for seq in range(10, 22):
        testing.make_household(area_code=HAMLET_A, seq=seq, tags=[key])

    pairing_demo_load(actor=township_admin, township_code=testing.TOWNSHIP, seed=3)
    today = timezone.localdate()
    assert visits_demo_load(township_code=testing.TOWNSHIP, seed=3, today=today) > 0

    active = Pairing.objects.filter(ended_on__isnull=True)
    assert active.count() >= 12
    assert not active.filter(started_on=today).exists()
    paired_on = dict(
        active.values("household_id")
        .annotate(first=Min("started_on"))
        .values_list("household_id", "first")
    )
    for household_id, visited_on in Visit.objects.values_list("household_id", "visited_on"):
        assert visited_on >= paired_on[household_id]
