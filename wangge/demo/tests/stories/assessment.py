"""The demo's 2021 assessment, at small scale: duty lists for the four levels, monthly scores
for every grid worker computed from the record, talks held for the few under 80, and every
period approved."""

import datetime

from wangge.assessment.compute import grid_workers
from wangge.assessment.models import DutyList, Score, ScoreApproval, Talk
from wangge.core.stats import collect_stats
from wangge.demo import vocabulary as V


def check_scores_2021():
    township = V.TOWNSHIP[0]
    assert sorted(DutyList.objects.values_list("level", flat=True)) == [1, 2, 3, 4]
    workers = set(grid_workers(township))
    for month in range(1, 13):
        key = f"2021-{month:02d}"
        scored = set(
            Score.objects.filter(period_key=key, subject_kind="member").values_list(
                "member_id", flat=True
            )
        )
        assert scored == workers
        assert ScoreApproval.objects.filter(period_key=key, area_id=township).exists()
    below = Score.objects.filter(below_threshold=True, subject_kind="member")
    assert 1 <= below.count() <= 10
    talks = Talk.objects.all()
    assert talks.count() == below.count()
    assert all(t.status == "done" and t.outcome and t.held_on for t in talks)
    assert talks.filter(kind="admonition").count() >= 1
    stats = collect_stats(township, datetime.date(2021, 12, 31))
    assert stats["scores_by_period"]["2021-06"]["members"] == len(workers)
    assert stats["admonishments_by_state"]["done"] == talks.count()
