"""The demo's rosters and councils: villager-group leaders, the township leadership and its
logins, 157 environment councils with 3–5 people each, and Hubin's five elders (7)."""

from django.db.models import Count
from django.utils import timezone

from wangge.accounts.models import User
from wangge.campaigns.models import Campaign, DriveTask, Inspection
from wangge.core.stats import collect_stats
from wangge.demo import vocabulary as V
from wangge.grids.models import CouncilSeat, Grid, GridMember, GridPerson
from wangge.party.models import Organisation, OrgKind
from wangge.visits.models import Visit


def check_rosters_and_councils(client):
    l3 = Grid.objects.filter(layer__slug="service", level=3)
    assert l3.exists()
    assert GridPerson.objects.filter(duty="村民组长", grid__in=l3).count() == l3.count()
    assert not l3.exclude(person_roles__duty="村民组长").exists()
    for code, *_rest in V.VILLAGES:
        l1 = Grid.objects.get(layer__slug="service", level=1, area_code=code)
        user = User.objects.get(username=f"leader-{code}")
        assert user.member_id == l1.responsible_id
        assert GridMember.objects.get(grid=l1, member_id=user.member_id).township_leader
    seats = list(
        Organisation.objects.filter(kind=OrgKind.COUNCIL)
        .annotate(n=Count("seats"))
        .values_list("name", "n")
    )
    environment = [n for name, n in seats if name.endswith("环境理事会")]
    assert len(environment) == 157 and all(3 <= n <= 5 for n in environment)
    assert dict(seats)["湖滨村五老议事会"] == 7
    stats = collect_stats(V.TOWNSHIP[0], timezone.localdate())
    assert stats["councils_with_roster"] == 158
    assert CouncilSeat.objects.filter(member__isnull=False).count() == 0

    # The leader's page shows their own record on the village's level-1 grid, marked.
    user = User.objects.get(username=f"leader-{V.HUBIN}")
    client.force_login(user)
    l1 = Grid.objects.get(layer__slug="service", level=1, area_code=V.HUBIN)
    page = client.get(f"/grids/{l1.pk}/").content.decode()
    assert user.display_name in page
    assert "班子成员" in page or "Township leadership" in page
    coverage = client.get("/grids/councils/").content.decode()
    assert "湖滨村五老议事会" in coverage

    # 2021 inspections of every council's hamlet, the comparison of villages shown.
    assert Inspection.objects.filter(day__year=2021).values("area_code").distinct().count() == 157
    client.force_login(User.objects.get(username=f"secretary-{V.HUBIN}"))
    compared = client.get("/campaigns/environment/compare/?year=2021").content.decode()
    assert "湖滨村委会" in compared

    # The concentrated assistance drive over the flagged families.
    drive = Campaign.objects.get(kind="assistance")
    tasks = DriveTask.objects.filter(campaign=drive)
    assert tasks.count() == 165 and tasks.filter(done_at__isnull=False).exists()

    # The thousand-members visit: members consulted (1,082 × 0.1) and their opinions (252 × 0.1).
    assert stats["campaign_members_consulted"] == 108
    assert stats["campaign_consultation_opinions"] == 25
    thousand = Campaign.objects.get(name="千名党员大走访")
    assert thousand.opinions.filter(consultation__isnull=False).count() == 25
    assert not Visit.objects.filter(campaign=thousand).exists()
