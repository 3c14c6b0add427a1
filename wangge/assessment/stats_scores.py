"""Assessment figures for ``wangge stats``: scores per period (how many, how many under the
threshold, the mean) and talks by state. Two aggregate queries."""

from django.db.models import Avg, Count, Q

from wangge.accounts.scope import prefix_q
from wangge.assessment.models import Score, SubjectKind, Talk, TalkStatus
from wangge.core.stats import stat_provider


@stat_provider
def assessment_score_stats(area_code, today) -> dict:
    scores = Score.objects.filter(subject_kind=SubjectKind.MEMBER)
    talks = Talk.objects.all()
    if area_code:
        scores = scores.filter(prefix_q("area_code", area_code))
        talks = talks.filter(prefix_q("area_code", area_code))
    rows = (
        scores.values("period_key")
        .annotate(
            n=Count("id"), below=Count("id", filter=Q(below_threshold=True)), mean=Avg("score")
        )
        .order_by("period_key")
    )
    states = talks.aggregate(
        **{state: Count("id", filter=Q(status=state)) for state in TalkStatus.values}
    )
    return {
        "scores_by_period": {
            row["period_key"]: {
                "members": row["n"],
                "below_threshold": row["below"],
                "mean": round(float(row["mean"]), 1) if row["mean"] is not None else None,
            }
            for row in rows
        },
        "admonishments_by_state": states,
    }
