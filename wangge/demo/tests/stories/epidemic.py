"""The demo's 2020 epidemic campaign over the 353 epidemic grids."""

from wangge.campaigns.models import Campaign, FollowUp, Quarantine, Returnee
from wangge.core.stats import collect_stats
from wangge.demo import vocabulary as V


def check_2020_epidemic(output: str):
    """GIVEN an empty database WHEN the demo runs THEN the 2020 epidemic campaign has a few
    hundred returnees in epidemic grids, and its quarantines were followed up every day."""
    campaign = Campaign.objects.get(kind="epidemic")
    assert (campaign.starts_on.year, campaign.ends_on.year) == (2020, 2020)
    returnees = Returnee.objects.filter(campaign=campaign)
    assert 200 <= returnees.count() <= 400
    assert not returnees.exclude(grid__layer__slug="epidemic").exists()
    assert returnees.values("origin").distinct().count() > 5
    quarantines = Quarantine.objects.filter(returnee__campaign=campaign)
    assert 10 <= quarantines.count() <= 20
    for q in quarantines:
        days = set(FollowUp.objects.filter(quarantine=q).values_list("day", flat=True))
        assert len(days) == (q.ends_on - q.starts_on).days + 1
    stats = collect_stats(
        V.TOWNSHIP[0], campaign.starts_on + (campaign.ends_on - campaign.starts_on) / 2
    )
    assert stats["returnees"] == returnees.count()
    assert stats["campaigns_by_kind"]["epidemic"] == 1
    assert "epidemic 2020" in output or "2020" in output
