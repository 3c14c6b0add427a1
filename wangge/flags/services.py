"""Writes for agency data, rules and flags: upload, preview, commit, rollback, evaluate, review."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import REGISTRY_WRITERS, Role
from wangge.accounts.scope import area_prefixes
from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import ConflictError, DomainError
from wangge.core.identity import mask_id
from wangge.flags.formats import FORMATS, CellError, parse_cell
from wangge.flags.models import (
    OPEN_FLAG_STATUSES,
    AgencyBatch,
    AgencyRecord,
    AgencySource,
    BatchStatus,
    Flag,
    FlagStatus,
    MatchStatus,
    Rule,
    RuleVersion,
)
from wangge.flags.reading import Table
from wangge.flags.rules import SEED_RULES, conditions_validate, evaluate
from wangge.households.models import Household, Resident

UPLOADERS = {Role.DATA_OFFICER, Role.TOWNSHIP_ADMIN}
_CHUNK = 5000


# ---- permissions ---------------------------------------------------------------------------


def upload_areas(user) -> list[str]:
    """Area codes the user may upload agency data for (township level or a prefix of one)."""
    return area_prefixes(user, UPLOADERS)


def require_upload(user, area_code: str) -> None:
    if not any(area_code.startswith(p) for p in upload_areas(user)):
        raise PermissionDenied(_("Only agency data officers of this area may upload or roll back."))


def require_review(user, area_code: str) -> None:
    if not any(area_code.startswith(p) for p in area_prefixes(user, REGISTRY_WRITERS)):
        raise PermissionDenied(_("Your role may read this flag but not decide on it."))


def require_rule_edit(user, township_code: str) -> None:
    prefixes = area_prefixes(user, {Role.TOWNSHIP_ADMIN})
    if not any(township_code.startswith(p) for p in prefixes):
        raise PermissionDenied(_("Only the township administrator may edit its rules."))


# ---- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    id_number: str
    name: str
    values: dict
    amount: Decimal | None
    record_date: datetime.date | None
    category: str


@dataclass
class Preview:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class AgencyFileError(DomainError):
    """A file with bad rows: nothing is committed; ``errors`` lists each row, column and reason."""

    def __init__(self, errors: list[RowError]):
        first = errors[0]
        super().__init__(
            _("%(n)d problem(s) in the file, nothing was saved. First: row %(r)d, %(c)s: %(m)s")
            % {"n": len(errors), "r": first.row, "c": first.column, "m": first.message},
            code="bad_rows",
        )
        self.errors = errors


def mapping_check(kind: str, headers: list[str], mapping: dict) -> list[RowError]:
    fmt = FORMATS[kind]
    errors = []
    present = set(headers)
    for f in fmt.fields:
        chosen = (mapping.get(f.name) or "").strip()
        if chosen and chosen not in present:
            errors.append(
                RowError(1, str(f.label), _("The file has no column “%(h)s”.") % {"h": chosen})
            )
        elif not chosen and f.required:
            errors.append(
                RowError(
                    1,
                    str(f.label),
                    _("This column is required: choose which column of the file holds it.")
                    + " "
                    + _("Usual headers: %(h)s.") % {"h": "、".join(f.headers)},
                )
            )
    return errors


def agency_parse(
    *, kind: str, table: Table, mapping: dict, today: datetime.date | None = None
) -> Preview:
    """Parse every row with the chosen mapping; collect every bad cell, never stop at the first."""
    today = today or timezone.localdate()
    fmt = FORMATS[kind]
    preview = Preview(errors=mapping_check(kind, table.headers, mapping))
    if preview.errors:
        return preview
    columns = [(f, table.headers.index(mapping[f.name])) for f in fmt.fields if mapping.get(f.name)]
    seen: dict[tuple, int] = {}
    for index, cells in enumerate(table.rows):
        number = index + 2  # the header is row 1, as in Excel
        if all(c is None or c == "" or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values: dict = {}
        bad = False
        for f, col in columns:
            try:
                value = parse_cell(f.kind, cells[col], today=today)
            except CellError as exc:
                preview.errors.append(RowError(number, str(f.label), str(exc)))
                bad = True
                continue
            if value is None and f.required:
                preview.errors.append(RowError(number, str(f.label), _("This cell is empty.")))
                bad = True
            elif value is not None:
                values[f.name] = value
        if bad:
            continue
        key = tuple(sorted(values.items()))  # values are str/int/bool: hashable
        if key in seen:
            preview.errors.append(
                RowError(number, "", _("This row repeats row %(r)d.") % {"r": seen[key]})
            )
            continue
        seen[key] = number
        amounts = [Decimal(values[a]) for a in fmt.amount_fields if a in values]
        date_value = values.get(fmt.date_field) if fmt.date_field else None
        preview.rows.append(
            ParsedRow(
                row=number,
                id_number=values.pop("id_number"),
                name=str(values.get(fmt.name_field, ""))[:50],
                values=values,
                amount=sum(amounts, Decimal("0")) if amounts else None,
                record_date=datetime.date.fromisoformat(date_value) if date_value else None,
                category=str(values.get(fmt.category_field, ""))[:20] if fmt.category_field else "",
            )
        )
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, "", _("The file has a header but no data rows.")))
    return preview


# ---- commit and rollback ---------------------------------------------------------------------


def _match(hashes: list[str], area_code: str) -> dict[str, set[tuple[int, str]]]:
    """ID hash → {(household id, household area code)} among households inside the area."""
    found: dict[str, set[tuple[int, str]]] = {}
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        heads = Household.objects.filter(
            area_code__startswith=area_code, head_id_hash__in=chunk
        ).values_list("head_id_hash", "id", "area_code")
        residents = Resident.objects.filter(
            household__area_code__startswith=area_code, id_hash__in=chunk
        ).values_list("id_hash", "household_id", "household__area_code")
        for digest, household_id, code in [*heads, *residents]:
            found.setdefault(digest, set()).add((household_id, code))
    return found


def agency_batch_commit(
    *,
    actor,
    source: AgencySource,
    area_code: str,
    file_name: str,
    table: Table,
    mapping: dict,
    today: datetime.date | None = None,
    evaluate_flags: bool = True,
) -> AgencyBatch:
    """Store every row of a clean file in one transaction, matched to households; any bad row →
    AgencyFileError and nothing stored. Re-evaluates the township's rules afterwards."""
    require_upload(actor, area_code)
    preview = agency_parse(kind=source.kind, table=table, mapping=mapping, today=today)
    if preview.errors:
        raise AgencyFileError(preview.errors)
    digests = [blind_index(r.id_number) for r in preview.rows]
    with transaction.atomic():
        matches = _match(sorted(set(digests)), area_code)
        batch = AgencyBatch.objects.create(
            source=source,
            area_code=area_code,
            township_code=area_code[:9],
            uploaded_by=actor,
            file_name=file_name[:200],
            row_count=len(preview.rows),
        )
        counts = {status: 0 for status in MatchStatus.values}
        records = []
        for row, digest in zip(preview.rows, digests, strict=True):
            candidates = matches.get(digest, set())
            if len(candidates) == 1:
                household_id, code = next(iter(candidates))
                status = MatchStatus.MATCHED
            else:
                household_id, code = None, area_code
                status = MatchStatus.AMBIGUOUS if candidates else MatchStatus.UNMATCHED
            counts[status] += 1
            records.append(
                AgencyRecord(
                    batch=batch,
                    kind=source.kind,
                    row_number=row.row,
                    person_id_hash=digest,
                    person_id_number=row.id_number,
                    person_id_masked=mask_id(row.id_number),
                    person_name=row.name,
                    household_id=household_id,
                    match_status=status,
                    values=row.values,
                    amount=row.amount,
                    record_date=row.record_date,
                    category=row.category,
                    area_code=code,
                    township_code=code[:9],
                )
            )
        AgencyRecord.objects.bulk_create(records, batch_size=2000)
        batch.matched_count = counts[MatchStatus.MATCHED]
        batch.unmatched_count = counts[MatchStatus.UNMATCHED]
        batch.ambiguous_count = counts[MatchStatus.AMBIGUOUS]
        batch.save(update_fields=["matched_count", "unmatched_count", "ambiguous_count"])
        source.column_mapping = {k: v for k, v in mapping.items() if v}
        source.save(update_fields=["column_mapping"])
        audit_record(
            actor=actor,
            action="flags.batch_commit",
            obj=batch,
            detail={
                "source": source.kind,
                "file": batch.file_name,
                "rows": batch.row_count,
                "matched": batch.matched_count,
                "unmatched": batch.unmatched_count,
                "ambiguous": batch.ambiguous_count,
            },
        )
        if evaluate_flags:
            for township in _townships(batch):
                flags_evaluate(actor=actor, township_code=township, as_of=today)
    return batch


def _townships(batch: AgencyBatch) -> list[str]:
    codes = set(
        AgencyRecord.objects.filter(batch=batch, household__isnull=False)
        .values_list("township_code", flat=True)
        .distinct()
    )
    if len(batch.area_code) >= 9:
        codes.add(batch.township_code)
    return sorted(codes)


def agency_batch_rollback(
    *, actor, batch: AgencyBatch, as_of: datetime.date | None = None
) -> AgencyBatch:
    """Withdraw a batch: its rows stay as history but no longer count; flags are re-evaluated."""
    require_upload(actor, batch.area_code)
    with transaction.atomic():
        now = timezone.now()
        changed = AgencyBatch.objects.filter(pk=batch.pk, status=BatchStatus.COMMITTED).update(
            status=BatchStatus.ROLLED_BACK, rolled_back_at=now, rolled_back_by=actor
        )
        if not changed:
            raise ConflictError(_("This batch has already been rolled back."))
        AgencyRecord.objects.filter(batch=batch).update(active=False)
        batch.refresh_from_db()
        audit_record(actor=actor, action="flags.batch_rollback", obj=batch)
        for township in _townships(batch):
            flags_evaluate(actor=actor, township_code=township, as_of=as_of)
    return batch


# ---- rules -----------------------------------------------------------------------------------


# The same five sources the data migration creates; re-created here after a flush (demo reset).
SOURCE_NAMES = {
    "medical_insurance": "医保结算",
    "civil_affairs_dibao": "民政低保",
    "civil_affairs_tekun": "民政特困",
    "disability": "残联",
    "monitoring": "防返贫监测",
}


def sources_seed() -> None:
    for kind, name in SOURCE_NAMES.items():
        AgencySource.objects.get_or_create(kind=kind, defaults={"name": name})


def rules_seed(*, township_code: str, actor=None) -> list[Rule]:
    """Create the report's three rules for a township if it has none of them yet (idempotent)."""
    out = []
    with transaction.atomic():
        for spec in SEED_RULES:
            rule, created = Rule.objects.get_or_create(
                township_code=township_code,
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "tag_slug": spec["tag_slug"],
                },
            )
            if created:
                version = RuleVersion.objects.create(
                    rule=rule, number=1, conditions=spec["conditions"], created_by=actor
                )
                rule.current = version
                rule.save(update_fields=["current"])
            out.append(rule)
    return out


def rule_update(
    *,
    actor,
    rule: Rule,
    conditions,
    name: str | None = None,
    description: str | None = None,
    note: str = "",
    active: bool | None = None,
) -> RuleVersion:
    """Save edited conditions as the rule's next version (earlier versions stay for old flags)."""
    require_rule_edit(actor, rule.township_code)
    if isinstance(conditions, str):
        try:
            conditions = json.loads(conditions)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                {"conditions": _("The conditions are not valid JSON: %(e)s.") % {"e": exc.msg}}
            ) from exc
    conditions_validate(conditions)
    if name is not None and not name.strip():
        raise ValidationError({"name": _("Give the rule a name.")})
    with transaction.atomic():
        locked = Rule.objects.select_for_update().get(pk=rule.pk)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = RuleVersion.objects.create(
            rule=locked, number=number, conditions=conditions, created_by=actor, note=note[:200]
        )
        locked.current = version
        fields = ["current"]
        if name is not None:
            locked.name = name.strip()[:60]
            fields.append("name")
        if description is not None:
            locked.description = description
            fields.append("description")
        if active is not None:
            locked.active = active
            fields.append("active")
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="flags.rule_update",
            obj=locked,
            area_code=locked.township_code,
            detail={"version": number, "conditions": conditions},
        )
    rule.refresh_from_db()
    return version


# ---- evaluation -----------------------------------------------------------------------------


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
                for start in range(0, len(new_ids), _CHUNK):
                    areas.update(
                        Household.objects.filter(
                            id__in=new_ids[start : start + _CHUNK]
                        ).values_list("id", "area_code")
                    )
                Flag.objects.bulk_create(
                    [
                        Flag(
                            household_id=h,
                            rule=rule,
                            rule_version_id=rule.current_id,
                            evidence=ids,
                            area_code=areas[h],
                            township_code=areas[h][:9],
                            evaluated_at=now,
                        )
                        for h, ids in new
                    ],
                    batch_size=1000,
                )
                result.raised += len(new)
                _notify_paired([h for h, _ids in new], _flag_raised_message(rule.name))
            gone = [f.pk for h, f in open_flags.items() if h not in found]
            for start in range(0, len(gone), _CHUNK):
                result.lapsed += Flag.objects.filter(
                    pk__in=gone[start : start + _CHUNK], status__in=OPEN_FLAG_STATUSES
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


# ---- the paired members hear of it ----------------------------------------------------------


def _notify_paired(household_ids, message) -> None:
    """Tell each member paired with these households, through the notification backend.

    ``message(pairing)`` gives ``(subject, body)``; delivery happens on commit.
    """
    from django.urls import reverse

    from wangge.core.notify import notify
    from wangge.pairing.selectors import pairings_of_households

    ids = list(household_ids)
    for start in range(0, len(ids), _CHUNK):
        for pairing in pairings_of_households(ids[start : start + _CHUNK]):
            subject, body = message(pairing)
            notify(
                member=pairing.member,
                subject=subject,
                body=body,
                link=reverse("households:household_detail", args=[pairing.household_id]),
            )


def _flag_raised_message(rule_name: str):
    def message(pairing):
        subject = _("A household you are paired with needs attention: %(name)s") % {
            "name": pairing.household.head_name
        }
        body = _(
            "The agencies' data raised a risk flag (%(rule)s). Visit the household and see "
            "what help it needs; the village will review the flag."
        ) % {"rule": rule_name}
        return subject, body

    return message


# ---- review ---------------------------------------------------------------------------------


def _decide(*, actor, flag: Flag, to: str, reason: str = "") -> None:
    changed = Flag.objects.filter(pk=flag.pk, status=FlagStatus.RAISED).update(
        status=to, decided_by=actor, decided_at=timezone.now(), reason=reason
    )
    if not changed:
        current = Flag.objects.filter(pk=flag.pk).values_list("status", flat=True).first()
        raise ConflictError(
            _("Someone else has already decided on this flag (it is now %(s)s).")
            % {"s": FlagStatus(current).label if current else _("gone")}
        )
    flag.refresh_from_db()


def flag_accept(*, actor, flag: Flag, needs: str = "", responsible=None):
    """Accept a raised flag and open an assistance plan for the household; returns the plan."""
    from wangge.assistance.services import plan_create

    require_review(actor, flag.area_code)
    with transaction.atomic():
        _decide(actor=actor, flag=flag, to=FlagStatus.ACCEPTED)
        audit_record(actor=actor, action="flags.flag_accept", obj=flag)
        _notify_paired(
            [flag.household_id],
            lambda pairing: (
                _("An assistance plan was opened for %(name)s's household")
                % {"name": pairing.household.head_name},
                _("The risk flag %(rule)s was confirmed; the plan lists the steps and who helps.")
                % {"rule": flag.rule.name},
            ),
        )
        plan = plan_create(
            actor=actor,
            household=flag.household,
            flag=flag,
            needs=needs or flag.rule.name,
            responsible=responsible,
        )
    return plan


def flag_dismiss(*, actor, flag: Flag, reason: str) -> Flag:
    require_review(actor, flag.area_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the flag is dismissed.")})
    with transaction.atomic():
        _decide(actor=actor, flag=flag, to=FlagStatus.DISMISSED, reason=reason[:2000])
        audit_record(actor=actor, action="flags.flag_dismiss", obj=flag, detail={"reason": reason})
        _notify_paired(
            [flag.household_id],
            lambda pairing: (
                _("The risk flag for %(name)s's household was dismissed")
                % {"name": pairing.household.head_name},
                _("Reason given: %(reason)s") % {"reason": reason},
            ),
        )
    return flag
