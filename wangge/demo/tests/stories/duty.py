"""The demo's 2021 straw-burning and forest-fire campaigns, at small scale."""

from wangge.campaigns.models import Accountability, Campaign, DutyLog, PledgeAck
from wangge.core.stats import collect_stats
from wangge.demo import vocabulary as V


def check_duty_campaigns():
    """GIVEN an empty database WHEN the demo runs THEN both 2021 campaigns carry a letter that
    most grid members acknowledged, patrols inside their periods, two incidents and two
    accountability records, one decided."""
    duty_kinds = ["straw_burning", "forest_fire"]
    campaigns = {
        c.kind: c for c in Campaign.objects.filter(starts_on__year=2021, kind__in=duty_kinds)
    }
    assert set(campaigns) == {"straw_burning", "forest_fire"}
    for campaign in campaigns.values():
        logs = DutyLog.objects.filter(campaign=campaign)
        assert logs.exists()
        assert not logs.exclude(day__range=(campaign.starts_on, campaign.ends_on)).exists()
    assert DutyLog.objects.filter(kind="incident", campaign__starts_on__year=2021).count() == 2
    assert sorted(Accountability.objects.values_list("status", flat=True)) == ["decided", "open"]
    stats = collect_stats(V.TOWNSHIP[0], campaigns["forest_fire"].ends_on)
    assert stats["pledges_acknowledged"] == PledgeAck.objects.count() > 0
    assert 0 < stats["pledges_pending"] <= 23
    assert stats["campaigns_by_kind"]["straw_burning"] == 1
    # Ten rangers, the flood workers of the 2020 flood (wangge.demo.flood), council members.
    assert stats["persons"] >= 10 + 160 and stats["accountability_open"] == 1
