"""Committing a parsed file as a batch (matched to households) and rolling a batch back."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import prefix_q
from wangge.audit.services import audit_record
from wangge.core.crypto import blind_index
from wangge.core.errors import ConflictError
from wangge.core.identity import mask_id
from wangge.flags.models import (
    AgencyBatch,
    AgencyRecord,
    AgencySource,
    BatchStatus,
    MatchStatus,
)
from wangge.flags.reading import Table
from wangge.flags.services.base import CHUNK, require_upload
from wangge.flags.services.evaluate import flags_evaluate
from wangge.flags.services.parse import AgencyFileError, agency_parse
from wangge.households.models import Household, Resident
from wangge.regions.codes import township_of


def _match(hashes: list[str], area_code: str) -> dict[str, set[tuple[int, str]]]:
    """ID hash → {(household id, household area code)} among households inside the area."""
    found: dict[str, set[tuple[int, str]]] = {}
    for start in range(0, len(hashes), CHUNK):
        chunk = hashes[start : start + CHUNK]
        heads = Household.objects.filter(
            prefix_q("area_code", area_code), head_id_hash__in=chunk
        ).values_list("head_id_hash", "id", "area_code")
        residents = Resident.objects.filter(
            prefix_q("household__area_code", area_code), id_hash__in=chunk
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
            township_code=township_of(area_code) or area_code,
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
                    township_code=township_of(code) or code,
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
    if township_of(batch.area_code):
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
