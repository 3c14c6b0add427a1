"""JSON routes for flags, agency batches and the township figures; scoped like the pages."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import area_prefixes
from wangge.core.api_helpers import READ_ERRORS, WRITE_ERRORS, Page
from wangge.flags.models import BatchStatus, FlagStatus, MatchStatus
from wangge.flags.selectors import (
    FlagFilters,
    _flag_evidence,
    batch_for_user,
    batch_list,
    figures_for_user,
    flag_for_user,
    flag_list,
)
from wangge.flags.services import flag_accept, flag_dismiss

router = Router(tags=["flags"])


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()


class FlagOut(Schema):
    id: int
    household_id: int
    household_head: str
    rule: str
    rule_name: str
    rule_version: int
    status: FlagStatus
    evidence: list[int]
    area_code: str
    raised_at: datetime.datetime
    decided_at: datetime.datetime | None
    reason: str

    @staticmethod
    def resolve_household_head(obj):
        return obj.household.head_name

    @staticmethod
    def resolve_rule(obj):
        return obj.rule.slug

    @staticmethod
    def resolve_rule_name(obj):
        return obj.rule.name

    @staticmethod
    def resolve_rule_version(obj):
        return obj.rule_version.number


class EvidenceOut(Schema):
    id: int
    batch_id: int
    kind: str
    row_number: int
    person_name: str
    person_id_masked: str
    record_date: datetime.date | None
    amount: Decimal | None
    category: str
    active: bool


class FlagDetailOut(FlagOut):
    evidence_rows: list[EvidenceOut]

    @staticmethod
    def resolve_evidence_rows(obj):
        return list(_flag_evidence(obj))


class FlagQuery(Schema):
    status: FlagStatus | None = None
    rule: str | None = Field(None, pattern=r"^[a-z0-9_-]{1,40}$")
    area_code: str | None = Field(None, pattern=r"^\d{1,18}$")


class AcceptIn(Schema):
    needs: str = Field("", max_length=2000)


class DismissIn(Schema):
    reason: str = Field(..., max_length=2000)


class PlanRef(Schema):
    id: int
    household_id: int
    flag_id: int | None
    status: str


@router.get("", response={200: list[FlagOut], **READ_ERRORS})
@paginate(Page)
def flags_index(request, query: Query[FlagQuery]):
    return flag_list(request.user, FlagFilters.from_params(query.dict(exclude_none=True)))


@router.get("/{int:flag_id}", response={200: FlagDetailOut, **READ_ERRORS})
def flags_detail(request, flag_id: int):
    return flag_for_user(request.user, flag_id)


@router.post("/{int:flag_id}/accept", response={201: PlanRef, **WRITE_ERRORS})
def flags_accept(request, flag_id: int, payload: AcceptIn):
    flag = flag_for_user(request.user, flag_id)
    return Status(201, flag_accept(actor=request.user, flag=flag, needs=_clean(payload.needs)))


@router.post("/{int:flag_id}/dismiss", response={200: FlagOut, **WRITE_ERRORS})
def flags_dismiss(request, flag_id: int, payload: DismissIn):
    flag = flag_for_user(request.user, flag_id)
    return flag_dismiss(actor=request.user, flag=flag, reason=_clean(payload.reason))


class BatchOut(Schema):
    id: int
    source: str
    file_name: str
    area_code: str
    uploaded_at: datetime.datetime
    uploaded_by: str
    row_count: int
    matched_count: int
    unmatched_count: int
    ambiguous_count: int
    status: BatchStatus

    @staticmethod
    def resolve_source(obj):
        return obj.source.kind

    @staticmethod
    def resolve_uploaded_by(obj):
        return str(obj.uploaded_by)


class ProblemRowOut(Schema):
    row_number: int
    person_name: str
    person_id_masked: str
    match_status: MatchStatus


class BatchDetailOut(BatchOut):
    problem_rows: list[ProblemRowOut]

    @staticmethod
    def resolve_problem_rows(obj):
        return list(obj.records.exclude(match_status=MatchStatus.MATCHED)[:1000])


@router.get("/batches", response={200: list[BatchOut], **READ_ERRORS})
@paginate(Page)
def batches_index(request):
    return batch_list(request.user)


@router.get("/batches/{int:batch_id}", response={200: BatchDetailOut, **READ_ERRORS})
def batches_detail(request, batch_id: int):
    return batch_for_user(request.user, batch_id)


class FiguresOut(Schema):
    areas: list[str]
    year: int
    hardship_families: int
    newly_low_income: int
    low_income_raised: int


class FiguresQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/figures", response={200: FiguresOut, **READ_ERRORS})
def figures(request, query: Query[FiguresQuery]):
    year = query.year or timezone.localdate().year
    found = figures_for_user(
        request.user, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
    )
    return FiguresOut(
        areas=area_prefixes(request.user),
        year=year,
        hardship_families=found.hardship_families,
        newly_low_income=found.newly_low_income,
        low_income_raised=found.low_income_raised,
    )
