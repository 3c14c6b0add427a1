"""GET /api/v1/requests-metrics: the three rates for an area in scope, the same figures as the
page (``metrics_for_area``), with the rows behind each count reachable through the page links."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema

from wangge.accounts.scope import area_prefixes, can_see_area
from wangge.appeals.metrics import PeriodError, Rates, metrics_for_area, parse_period
from wangge.core.api_helpers import READ_ERRORS
from wangge.grids.models import Grid
from wangge.party.models import Member
from wangge.regions.models import Region

router = Router(tags=["requests"])


class RatesOut(Schema):
    routed: int
    responded: int
    escalated: int
    ratings: int
    ratings_solved: int
    rated: int
    rated_solved: int
    resolved: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    escalation_share: float | None
    median_hours_to_resolve: float | None


class PeriodOut(Schema):
    key: str
    kind: str
    start: datetime.date
    end: datetime.date = Field(..., description="The last day included.")


class AreaRatesOut(Schema):
    code: str
    name: str
    rates: RatesOut


class GridRatesOut(Schema):
    grid_id: int | None
    name: str
    rates: RatesOut


class MemberRatesOut(Schema):
    member_id: int | None
    name: str
    rates: RatesOut


class MetricsOut(Schema):
    area_code: str
    area_name: str
    period: PeriodOut
    total: RatesOut
    children: list[AreaRatesOut] | None
    grids: list[GridRatesOut] | None
    members: list[MemberRatesOut] | None = Field(
        None, description="Only for the member themselves and village/township leaders."
    )


class MetricsQuery(Schema):
    area_code: str | None = Field(None, pattern=r"^\d{6,18}$")
    period: str | None = Field(
        None, max_length=40, description="2026-11, 2026-Q4, 2026 or 2026-11-01..2026-11-15"
    )


def _rates(rates: Rates | None) -> dict:
    return (rates or Rates()).as_dict()


@router.get("", response={200: MetricsOut, **READ_ERRORS})
def requests_metrics(request, query: Query[MetricsQuery]):
    user = request.user
    code = query.area_code or next(iter(area_prefixes(user)), None)
    if not code or not can_see_area(user, code):
        raise Http404
    area = Region.objects.filter(code=code).first()
    if area is None:
        raise Http404
    try:
        period = parse_period(query.period)
    except PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    figures = metrics_for_area(user, area.code, period)
    out = {
        "area_code": area.code,
        "area_name": area.name,
        "period": {
            "key": period.key,
            "kind": period.kind,
            "start": period.start,
            "end": period.last_day,
        },
        "total": _rates(figures["total"]),
        "children": None,
        "grids": None,
        "members": None,
    }
    if figures["children"] is not None:
        names = dict(
            Region.objects.filter(code__in=[k for k in figures["children"] if k]).values_list(
                "code", "name"
            )
        )
        out["children"] = [
            {"code": key, "name": names.get(key, key), "rates": _rates(rates)}
            for key, rates in sorted(figures["children"].items(), key=lambda kv: kv[0] or "")
        ]
    if figures["grids"] is not None:
        names = dict(Grid.objects.filter(pk__in=list(figures["grids"])).values_list("pk", "name"))
        out["grids"] = [
            {"grid_id": key, "name": names.get(key, ""), "rates": _rates(rates)}
            for key, rates in figures["grids"].items()
        ]
        out["grids"].sort(key=lambda row: (row["grid_id"] is None, row["name"]))
    if figures["members"] is not None:
        names = dict(
            Member.objects.filter(pk__in=list(figures["members"])).values_list("pk", "name")
        )
        out["members"] = [
            {"member_id": key, "name": names.get(key, ""), "rates": _rates(rates)}
            for key, rates in figures["members"].items()
        ]
        # By name, never by a score.
        out["members"].sort(key=lambda row: (row["member_id"] is None, row["name"]))
    return out
