"""Writes of the scoring: the scheme (versioned), inspectors' marks, the computation of a
period's scores for a township, and the bottom-up approval that locks them.

Every write is one transaction and raises a plain-language error, storing nothing partial.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes
from wangge.assessment.admonish import talks_open_for
from wangge.assessment.models import (
    Indicator,
    InspectorEntry,
    Scheme,
    Score,
    ScoreApproval,
    SubjectKind,
    Talk,
)
from wangge.assessment.scoring import DEFAULT_WEIGHTS, REGISTRY, Context, Value, points
from wangge.audit.services import audit_record
from wangge.core.errors import DomainError
from wangge.core.periods import Period
from wangge.grids.models import GridMember
from wangge.party.models import Member
from wangge.regions.codes import TOWNSHIP_LENGTH, VILLAGE_LENGTH
from wangge.regions.models import Level, Region

# Who keeps the scheme and computes: the township's organisation office.
SCHEME_EDITORS = {Role.TOWNSHIP_ADMIN}
# Who enters the inspectors' marks (听汇报、看实绩、评责任、查台账).
INSPECTORS = {Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER, Role.DISCIPLINE}
# Who approves: a village's secretary its village, the township's leaders the township.
VILLAGE_APPROVERS = {Role.VILLAGE_SECRETARY, Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER}
TOWNSHIP_APPROVERS = {Role.TOWNSHIP_ADMIN, Role.TOWNSHIP_LEADER}
ONE_PLACE = Decimal("0.1")


def _require(user, roles, area_code: str, message: str) -> None:
    if not any(area_code.startswith(p) for p in area_prefixes(user, roles)):
        raise PermissionDenied(message)


# ---------------------------------------------------------------- the scheme


def scheme_current(township_code: str) -> Scheme | None:
    return (
        Scheme.objects.filter(township_code=township_code)
        .prefetch_related("indicators")
        .order_by("-version")
        .first()
    )


def scheme_save(
    *,
    actor,
    township_code: str,
    weights: dict[str, int],
    threshold: Decimal | int = 80,
    repeat_days: int = 365,
    commended_size: int = 10,
) -> Scheme:
    """A new version of the township's scheme; the weights must name known indicators and sum
    to 100. Scores already computed keep the version they were computed with."""
    if actor is not None:
        _require(
            actor,
            SCHEME_EDITORS,
            township_code,
            _("Only the township's organisation office may change the scoring scheme."),
        )
    unknown = sorted(k for k in weights if k not in REGISTRY)
    if unknown:
        raise ValidationError(
            {
                "weights": _(
                    "Unknown indicator: %(keys)s. Use only the indicators listed on the page."
                )
                % {"keys": ", ".join(unknown)}
            }
        )
    kept = {k: int(w) for k, w in weights.items() if int(w) > 0}
    if any(int(w) < 0 for w in weights.values()):
        raise ValidationError({"weights": _("A weight cannot be negative.")})
    total = sum(kept.values())
    if total != 100:
        raise ValidationError(
            {
                "weights": _("The weights add up to %(total)d; they must add up to 100.")
                % {"total": total}
            }
        )
    threshold = Decimal(str(threshold))
    if not 0 <= threshold <= 100:
        raise ValidationError({"threshold": _("The threshold is a score from 0 to 100.")})
    if not 1 <= int(commended_size) <= 100:
        raise ValidationError({"commended_size": _("The commended list holds 1 to 100 people.")})
    if not 1 <= int(repeat_days) <= 3660:
        raise ValidationError({"repeat_days": _("Give the window in days, from 1 to 3660.")})
    with transaction.atomic():
        last = (
            Scheme.objects.select_for_update()
            .filter(township_code=township_code)
            .aggregate(v=Max("version"))["v"]
        )
        scheme = Scheme.objects.create(
            township_code=township_code,
            version=(last or 0) + 1,
            threshold=threshold,
            repeat_days=int(repeat_days),
            commended_size=int(commended_size),
            created_by=actor,
        )
        order = list(REGISTRY)
        Indicator.objects.bulk_create(
            Indicator(scheme=scheme, key=k, weight=w, sort=order.index(k)) for k, w in kept.items()
        )
        audit_record(
            actor=actor,
            action="assessment.scheme_save",
            obj=scheme,
            area_code=township_code,
            detail={"version": scheme.version, "weights": kept},
        )
    return scheme


def scheme_for(township_code: str) -> Scheme:
    """The current scheme, the default one written first if the township has none."""
    return scheme_current(township_code) or scheme_save(
        actor=None, township_code=township_code, weights=DEFAULT_WEIGHTS
    )


# ---------------------------------------------------------------- locks


def township_locked(township_code: str, period_key: str) -> bool:
    return ScoreApproval.objects.filter(area_id=township_code, period_key=period_key).exists()


def approved_villages(township_code: str, period_key: str) -> set[str]:
    return set(
        ScoreApproval.objects.filter(
            township_code=township_code, period_key=period_key, area__level=Level.VILLAGE
        ).values_list("area_code", flat=True)
    )


def _refuse_locked(township_code: str, period: Period) -> None:
    if township_locked(township_code, period.key):
        raise DomainError(
            _("The scores of %(period)s are approved and locked; they cannot change.")
            % {"period": period.key},
            code="locked",
        )


# ---------------------------------------------------------------- inspectors' marks


def entry_save(*, actor, member: Member, period: Period, key: str, mark: int, note: str):
    """An inspector's mark (0–100) with a note, for an entered indicator (replaces the mark
    given before for the same member, period and indicator)."""
    _require(
        actor, INSPECTORS, member.area_code, _("Only inspectors of this area may enter marks.")
    )
    errors = {}
    if key not in REGISTRY or not REGISTRY[key].entered:
        errors["key"] = _("Choose one of the inspectors' indicators.")
    if not isinstance(mark, int) or not 0 <= mark <= 100:
        errors["mark"] = _("Give a mark from 0 to 100.")
    note = (note or "").strip()
    if not note:
        errors["note"] = _("Write a note: what was heard or checked.")
    if errors:
        raise ValidationError(errors)
    _refuse_locked(member.township_code, period)
    with transaction.atomic():
        entry, _created = InspectorEntry.objects.update_or_create(
            member=member,
            period_key=period.key,
            key=key,
            defaults={
                "mark": mark,
                "note": note[:2000],
                "entered_by": actor,
                "entered_at": timezone.now(),
                "area_id": member.area_id,
                "area_code": member.area_code,
                "township_code": member.township_code,
            },
        )
        audit_record(
            actor=actor,
            action="assessment.entry_save",
            obj=entry,
            area_code=member.area_code,
            detail={"period": period.key, "key": key, "mark": mark},
        )
    return entry


# ---------------------------------------------------------------- computation


def grid_workers(township_code: str) -> dict[int, tuple[str, str]]:
    """Member id → (area id, area code) of everyone serving on a grid of the township."""
    rows = (
        GridMember.objects.filter(grid__township_code=township_code)
        .values_list("member_id", "member__area_id", "member__area_code")
        .distinct()
    )
    return {m: (area, code) for m, area, code in rows}


def _round(value: float) -> Decimal:
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _line(key: str, weight: int, value: Value) -> dict:
    return {
        "key": key,
        "weight": weight,
        "value": None if value.value is None else round(value.value, 4),
        "points": round(points(weight, value), 2),
        "num": value.num,
        "den": value.den,
    }


@dataclass
class _Row:
    """A score about to be inserted (a model instance each cost more than the computation)."""

    area_id: str
    area_code: str
    township_code: str
    period_key: str
    period_kind: str
    subject_kind: str
    member_id: int | None
    grid_id: int | None
    scheme_id: int
    score: Decimal
    below_threshold: bool
    lines: list
    computed_at: object


def compute_period(*, township_code: str, period: Period, actor=None) -> dict:
    """Compute (or recompute) a period's scores for every grid worker and grid of a township
    with the current scheme: a few queries per indicator, then bulk writes. Villages already
    approved keep their scores; an approved township refuses with a plain error. Members under
    the threshold get a talk item in the discipline committee's queue."""
    if actor is not None:
        _require(
            actor,
            SCHEME_EDITORS,
            township_code,
            _("Only the township's organisation office may compute scores."),
        )
    _refuse_locked(township_code, period)
    scheme = scheme_for(township_code)
    weights = [(i.key, i.weight) for i in scheme.indicators.all()]
    frozen = approved_villages(township_code, period.key)
    workers = {
        m: where
        for m, where in grid_workers(township_code).items()
        if where[1][:VILLAGE_LENGTH] not in frozen
    }
    ctx = Context(township_code=township_code, period=period, members=set(workers))
    values = {key: REGISTRY[key].compute(ctx) for key, _w in weights}
    now = timezone.now()
    empty = Value(None)
    member_scores = []
    for member_id, (area_id, area_code) in workers.items():
        lines = [_line(k, w, values[k].get(member_id, empty)) for k, w in weights]
        total = _round(sum(line["points"] for line in lines))
        member_scores.append(
            _Row(
                area_id,
                area_code,
                township_code,
                period.key,
                period.kind,
                SubjectKind.MEMBER,
                member_id,
                None,
                scheme.pk,
                total,
                total < scheme.threshold,
                lines,
                now,
            )
        )
    grid_scores = _grid_scores(township_code, period, scheme, member_scores, frozen, now)
    with transaction.atomic():
        _refuse_locked(township_code, period)
        stale = Score.objects.filter(township_code=township_code, period_key=period.key)
        for code in frozen:
            stale = stale.exclude(area_code__startswith=code)
        # Talks keep their row; the link moves to the new score below.
        Talk.objects.filter(score__in=stale).update(score=None)
        stale.delete()
        _insert_scores(member_scores + grid_scores)
        below = list(
            Score.objects.filter(
                township_code=township_code,
                period_key=period.key,
                subject_kind=SubjectKind.MEMBER,
                below_threshold=True,
            )
        )
        talks = talks_open_for(scores=below, scheme=scheme, period=period)
        audit_record(
            actor=actor,
            action="assessment.compute",
            object_type="assessment.score",
            area_code=township_code,
            detail={"period": period.key, "scheme": scheme.version, "members": len(workers)},
        )
    return {
        "period": period.key,
        "scheme": scheme.version,
        "members": len(member_scores),
        "grids": len(grid_scores),
        "below": sum(1 for s in member_scores if s.below_threshold),
        "talks": talks,
    }


SCORE_COLUMNS = (
    "area_id",
    "area_code",
    "township_code",
    "period_key",
    "period_kind",
    "subject_kind",
    "member_id",
    "grid_id",
    "scheme_id",
    "score",
    "below_threshold",
    "lines",
    "computed_at",
)


def _insert_scores(scores: list[_Row]) -> None:
    """Multi-row INSERTs of a period's scores: a township's thousands of rows without the
    per-field preparation of ``bulk_create`` (which took most of a month's computation)."""
    if not scores:
        return
    connection = connections[router.db_for_write(Score)]
    ops = connection.ops
    lines_field = Score._meta.get_field("lines")
    columns = [Score._meta.get_field(name).column for name in SCORE_COLUMNS]
    head = "INSERT INTO {} ({}) VALUES ".format(
        ops.quote_name(Score._meta.db_table), ", ".join(ops.quote_name(c) for c in columns)
    )
    row_sql = "({})".format(", ".join(["%s"] * len(columns)))
    computed_at = ops.adapt_datetimefield_value(scores[0].computed_at)
    rows = [
        (
            s.area_id,
            s.area_code,
            s.township_code,
            s.period_key,
            s.period_kind,
            s.subject_kind,
            s.member_id,
            s.grid_id,
            s.scheme_id,
            ops.adapt_decimalfield_value(s.score, 5, 1),
            s.below_threshold,
            lines_field.get_db_prep_save(s.lines, connection),
            computed_at,
        )
        for s in scores
    ]
    batch = max(1, min(500, ops.bulk_batch_size(columns, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                head + ", ".join([row_sql] * len(chunk)), [v for row in chunk for v in row]
            )


def _grid_scores(township_code, period, scheme, member_scores, frozen, now) -> list[_Row]:
    """A grid's score: the mean of its workers' scores, indicator by indicator."""
    by_member = {s.member_id: s for s in member_scores}
    members_of: dict[int, list[int]] = defaultdict(list)
    grids = {}
    memberships = GridMember.objects.filter(grid__township_code=township_code).values_list(
        "grid_id", "member_id", "grid__area_id", "grid__area_code"
    )
    for grid_id, member_id, area_id, area_code in memberships:
        if member_id in by_member and area_code[:VILLAGE_LENGTH] not in frozen:
            members_of[grid_id].append(member_id)
            grids[grid_id] = (area_id, area_code)
    out = []
    for grid_id, members in members_of.items():
        area_id, area_code = grids[grid_id]
        scores = [by_member[m] for m in members]
        lines = []
        for i, line in enumerate(scores[0].lines):
            pts = sum(s.lines[i]["points"] for s in scores) / len(scores)
            vals = [s.lines[i]["value"] for s in scores if s.lines[i]["value"] is not None]
            lines.append(
                {
                    "key": line["key"],
                    "weight": line["weight"],
                    "value": round(sum(vals) / len(vals), 4) if vals else None,
                    "points": round(pts, 2),
                    "num": None,
                    "den": len(scores),
                }
            )
        total = _round(sum(float(s.score) for s in scores) / len(scores))
        out.append(
            _Row(
                area_id,
                area_code,
                township_code,
                period.key,
                period.kind,
                SubjectKind.GRID,
                None,
                grid_id,
                scheme.pk,
                total,
                total < scheme.threshold,
                lines,
                now,
            )
        )
    return out


# ---------------------------------------------------------------- approval


def approve(*, actor, area: Region, period: Period) -> ScoreApproval:
    """Approve a village's scores (its secretary or the township), then the township's once
    every village with scores is approved; approval locks them."""
    township_code = area.code[:TOWNSHIP_LENGTH]
    scores = Score.objects.filter(township_code=township_code, period_key=period.key)
    if area.level == Level.VILLAGE:
        _require(
            actor,
            VILLAGE_APPROVERS,
            area.code,
            _("Only the village's secretary or the township may approve these scores."),
        )
        if not scores.filter(area_code__startswith=area.code).exists():
            raise DomainError(
                _("There are no scores of %(period)s to approve yet.") % {"period": period.key}
            )
    elif area.level == Level.TOWNSHIP:
        _require(
            actor,
            TOWNSHIP_APPROVERS,
            area.code,
            _("Only the township's leaders may approve the township's scores."),
        )
        # Subjects of the township itself (its level-1 grid) are approved with the township.
        villages = {
            code[:VILLAGE_LENGTH]
            for code in scores.values_list("area_code", flat=True)
            if len(code) >= VILLAGE_LENGTH
        }
        waiting = sorted(villages - approved_villages(township_code, period.key))
        if not scores.exists():
            raise DomainError(
                _("There are no scores of %(period)s to approve yet.") % {"period": period.key}
            )
        if waiting:
            names = Region.objects.filter(code__in=waiting).values_list("name", flat=True)
            raise DomainError(
                _("Approve every village first; still waiting: %(names)s.")
                % {"names": "、".join(names)}
            )
    else:
        raise DomainError(_("Scores are approved by village, then by township."))
    if ScoreApproval.objects.filter(area=area, period_key=period.key).exists():
        raise DomainError(_("These scores are already approved."), code="locked")
    with transaction.atomic():
        approval = ScoreApproval(
            period_key=period.key, approved_by=actor, approved_at=timezone.now()
        )
        approval.set_area(area)
        approval.save()
        audit_record(
            actor=actor,
            action="assessment.approve",
            obj=approval,
            area_code=area.code,
            detail={"period": period.key},
        )
    return approval


def approvals_for(township_code: str, period_key: str) -> dict[str, ScoreApproval]:
    return {
        a.area_code: a
        for a in ScoreApproval.objects.filter(township_code=township_code, period_key=period_key)
    }
