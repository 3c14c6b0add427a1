"""Reads of scores and duties, always given the user and scoped.

Who sees scores (SPEC principle 2 read with the report's 评比): each member their own, with the
evidence; the township and village leaders (and the discipline committee, for a talk's
evidence) open any score of their area, but the pages list only the distribution, the list
under the threshold and the commended list — never a ranked table of everyone.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, in_areas, townships_of
from wangge.assessment.models import Score, SubjectKind
from wangge.assessment.scoring import REGISTRY, label_of

SCORE_VIEWERS = {
    Role.TOWNSHIP_ADMIN,
    Role.TOWNSHIP_LEADER,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
    Role.DISCIPLINE,
}
# Who sees the distribution and the lists of an area.
OVERVIEW_ROLES = SCORE_VIEWERS
BANDS = [(0, 60), (60, 70), (70, 80), (80, 90), (90, 101)]


def viewer_prefixes(user) -> list[str]:
    return area_prefixes(user, SCORE_VIEWERS)


def score_townships(user) -> list[str]:
    return townships_of(user, SCORE_VIEWERS)


def scores_visible(user) -> QuerySet:
    """Scores of the user's areas (a viewer's) and the user's own."""
    qs = in_areas(Score.objects.all(), viewer_prefixes(user))
    member_id = getattr(user, "member_id", None)
    if member_id:
        qs = Score.objects.filter(Q(pk__in=qs.values("pk")) | Q(member_id=member_id))
    return qs


def score_for_user(user, pk: int) -> Score:
    try:
        return scores_visible(user).select_related("member", "grid", "area", "scheme").get(pk=pk)
    except Score.DoesNotExist as exc:
        raise Http404 from exc


def my_scores(user) -> QuerySet:
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return Score.objects.none()
    return Score.objects.filter(member_id=member_id).order_by("-period_key")


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    weight: int
    value: float | None
    points: float
    num: int | None
    den: int | None
    entered: bool
    negative: bool

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(100 * self.value, 1)


def lines_of(score: Score) -> list[Line]:
    out = []
    for line in score.lines:
        found = REGISTRY.get(line["key"])
        out.append(
            Line(
                key=line["key"],
                label=label_of(line["key"]),
                weight=line["weight"],
                value=line["value"],
                points=line["points"],
                num=line.get("num"),
                den=line.get("den"),
                entered=bool(found and found.entered),
                negative=bool(found and found.negative),
            )
        )
    return out


def subject_name(score: Score) -> str:
    if score.subject_kind == SubjectKind.GRID:
        return score.grid.name if score.grid_id else "—"
    return score.member.name if score.member_id else "—"


def overview(user, area_code: str, period_key: str, *, commended_size: int, threshold) -> dict:
    """The distribution by band, the list under the threshold and the commended list (the
    best ``commended_size``, shown by name), for member and grid scores of an area."""
    if not any(area_code.startswith(p) for p in viewer_prefixes(user)):
        raise Http404
    scores = Score.objects.filter(period_key=period_key, area_code__startswith=area_code)
    members = scores.filter(subject_kind=SubjectKind.MEMBER)
    grids = scores.filter(subject_kind=SubjectKind.GRID)

    def bands(qs) -> list[dict]:
        values = [float(v) for v in qs.values_list("score", flat=True)]
        rows = []
        for low, high in BANDS:
            n = sum(1 for v in values if low <= v < high)
            rows.append({"low": low, "high": min(high, 100), "count": n})
        most = max((r["count"] for r in rows), default=0) or 1
        for row in rows:
            row["share"] = round(100 * row["count"] / most)
        return rows

    below = list(
        members.filter(below_threshold=True)
        .select_related("member", "area")
        .order_by("member__name", "id")
    )
    best = list(
        members.filter(below_threshold=False)
        .select_related("member", "area")
        .order_by("-score", "member__name", "id")[:commended_size]
    )
    best.sort(key=lambda s: (s.member.name if s.member_id else "", s.pk))
    return {
        "members": members.count(),
        "grids": grids.count(),
        "member_bands": bands(members),
        "grid_bands": bands(grids),
        "below": below,
        "commended": best,
        "threshold": threshold,
    }
