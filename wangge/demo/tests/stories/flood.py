"""The demo's 2020 flood, at small scale."""

from django.db.models import Count, F

from wangge.campaigns.models import (
    Campaign,
    DikeSection,
    DutyLog,
    Emergency,
    Team,
    TeamMember,
    Turnout,
)
from wangge.core.stats import collect_stats
from wangge.demo import vocabulary as V


def check_2020_flood():
    """GIVEN an empty database WHEN the demo runs THEN the 2020 flood campaign has a declared
    emergency, a section per front-line branch, commando and vanguard teams from all ten
    villages, 500+ turn-outs inside the emergency with about a third of the workers Party
    members, and a few incidents."""
    campaign = Campaign.objects.get(kind="flood")
    emergency = Emergency.objects.get(campaign=campaign)
    turnouts = Turnout.objects.filter(campaign=campaign)
    assert turnouts.count() >= 500
    assert not turnouts.exclude(day__range=(emergency.starts_on, emergency.ends_on)).exists()
    assert turnouts.values("home_code").distinct().count() == len(V.VILLAGES)
    members = turnouts.exclude(member=None).values("member_id").distinct().count()
    persons = turnouts.exclude(person=None).values("person_id").distinct().count()
    assert 0.28 <= members / (members + persons) <= 0.4
    kinds = dict(Team.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert kinds["commando"] >= 4 and kinds["vanguard"] >= 2
    assert Team.objects.exclude(serves_id=F("area_code")).filter(kind="commando").exists()
    assert DikeSection.objects.filter(campaign=campaign).count() == 5
    assert TeamMember.objects.filter(campaign=campaign).count() == members + persons
    assert DutyLog.objects.filter(campaign=campaign, kind="incident").count() == 4
    stats = collect_stats(V.TOWNSHIP[0], emergency.ends_on)
    assert stats["campaign_turnouts"] == turnouts.count()
    assert stats["campaigns_by_kind"]["flood"] == 1
