"""Running the rules: flags raised, updated and lapsed to match the agencies' data."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from wangge.audit.services import audit_record
from wangge.flags.models import OPEN_FLAG_STATUSES, Flag, FlagStatus, Rule
from wangge.flags.rules import evaluate
from wangge.flags.services.base import CHUNK
from wangge.flags.services.notify import flag_raised_message, notify_paired
from wangge.households.models import Household
from wangge.regions.codes import township_of


@dataclass
class Evaluation:
    raised: int = 0
    updated: int = 0
    lapsed: int = 0
    unchanged: int = 0


def flags_evaluate(*, actor, township_code: str, as_of: datetime.date | None = None) -> Evaluation:
    """Run the township's active rules and bring flags in line, idempotently: new findings are
    raised, changed evidence is updated, findings whose evidence is gone are lapsed (kept)."""
    as_of = as_of or timezone.localdate()
    result = Evaluation()
    now = timezone.now()
    with transaction.atomic():
        rules = Rule.objects.filter(
            township_code=township_code, active=True, current__isnull=False
        ).select_related("current")
        for rule in rules:
            found = evaluate(rule.current.conditions, township_code=township_code, as_of=as_of)
            open_flags = {
                f.household_id: f
                for f in Flag.objects.filter(rule=rule, status__in=OPEN_FLAG_STATUSES)
            }
            decided: dict[int, set[int]] = {}
            for household_id, evidence in Flag.objects.filter(
                rule=rule, status=FlagStatus.DISMISSED
            ).values_list("household_id", "evidence"):
                decided.setdefault(household_id, set()).update(evidence)
            changed, new = [], []
            for household_id, evidence in found.items():
                ids = sorted(evidence)
                flag = open_flags.get(household_id)
                if flag is not None:
                    if flag.evidence != ids or flag.rule_version_id != rule.current_id:
                        flag.evidence = ids
                        flag.rule_version_id = rule.current_id
                        flag.evaluated_at = now
                        changed.append(flag)
                    else:
                        result.unchanged += 1
                elif household_id in decided and set(ids) <= decided[household_id]:
                    # Staff dismissed this very evidence already; only new rows re-raise.
                    result.unchanged += 1
                else:
                    new.append((household_id, ids))
            if changed:
                Flag.objects.bulk_update(
                    changed, ["evidence", "rule_version", "evaluated_at"], batch_size=1000
                )
                result.updated += len(changed)
            if new:
                new_ids = [h for h, _ids in new]
                areas = {}
                for start in range(0, len(new_ids), CHUNK):
                    areas.update(
                        Household.objects.filter(id__in=new_ids[start : start + CHUNK]).values_list(
                            "id", "area_code"
                        )
                    )
                Flag.objects.bulk_create(
                    [
                        Flag(
                            household_id=h,
                            rule=rule,
                            rule_version_id=rule.current_id,
                            evidence=ids,
                            area_code=areas[h],
                            township_code=township_of(areas[h]) or areas[h],
                            evaluated_at=now,
                        )
                        for h, ids in new
                    ],
                    batch_size=1000,
                )
                result.raised += len(new)
                notify_paired([h for h, _ids in new], flag_raised_message(rule.name))
            gone = [f.pk for h, f in open_flags.items() if h not in found]
            for start in range(0, len(gone), CHUNK):
                result.lapsed += Flag.objects.filter(
                    pk__in=gone[start : start + CHUNK], status__in=OPEN_FLAG_STATUSES
                ).update(status=FlagStatus.LAPSED, lapsed_at=now, evaluated_at=now)
        audit_record(
            actor=actor,
            action="flags.evaluate",
            object_type="flags.township",
            object_id=township_code,
            area_code=township_code,
            detail={
                "as_of": as_of.isoformat(),
                "raised": result.raised,
                "updated": result.updated,
                "lapsed": result.lapsed,
            },
        )
    return result
