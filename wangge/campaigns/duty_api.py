"""JSON routes of the duty campaigns: responsibility letters and their acknowledgement
(``/pledges``), patrols and incidents, counts, and accountability records."""

import datetime

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.campaigns.models import AccountabilityStatus, DutyLogKind, Pledge, PledgeAck
from wangge.campaigns.selectors import (
    accountability_for_user,
    accountability_list,
    campaign_for_user,
    campaign_list,
    duty_log_list,
    pledge_counts,
    pledge_for_user,
)
from wangge.campaigns.services import duty_log_record, pledge_acknowledge, pledge_publish
from wangge.core.api_helpers import MAX_ID, READ_ERRORS, WRITE_ERRORS, Page

pledges_router = Router(tags=["pledges"])
duty_router = Router(tags=["campaigns"])
accountability_router = Router(tags=["accountability"])


class PledgeOut(Schema):
    id: int
    campaign_id: int
    version: int
    text: str
    created_at: datetime.datetime
    acknowledged_at: datetime.datetime | None = None


class PledgeIn(Schema):
    campaign_id: int = Field(..., ge=1, le=MAX_ID)
    text: str = Field(..., min_length=1, max_length=5000)


class PledgeQuery(Schema):
    campaign_id: int | None = Field(None, ge=1, le=MAX_ID)


class AcknowledgementOut(Schema):
    pledge_id: int
    version: int
    member_id: int
    acknowledged_at: datetime.datetime
    created: bool


class PledgeVillageRow(Schema):
    code: str
    name: str
    acknowledged: int
    pending: int


class PledgeGridRow(Schema):
    name: str
    acknowledged: int
    pending: int


class PledgeCountsOut(Schema):
    version: int | None
    acknowledged: int
    pending: int
    by_village: list[PledgeVillageRow]
    by_grid: list[PledgeGridRow]


class PledgeCountsQuery(Schema):
    village: str = Field("", pattern=r"^(\d{12})?$")


class DutyLogOut(Schema):
    id: int
    campaign_id: int
    kind: DutyLogKind
    day: datetime.date
    place: str
    text: str
    has_photo: bool
    member_id: int | None
    area_code: str

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)


class DutyLogIn(Schema):
    kind: DutyLogKind
    day: datetime.date
    place: str = Field(..., min_length=1, max_length=200)
    text: str = Field(..., min_length=1, max_length=5000)


class DutyLogQuery(Schema):
    kind: DutyLogKind | None = None


class AccountabilityOut(Schema):
    id: int
    campaign_id: int
    member_id: int | None
    person_id: int | None
    duty_log_id: int | None
    area_code: str
    failure: str
    evidence: str
    status: AccountabilityStatus
    decision: str
    decided_at: datetime.datetime | None
    version: int


class AccountabilityQuery(Schema):
    status: AccountabilityStatus | None = None


@pledges_router.get("", response={200: list[PledgeOut], **READ_ERRORS})
@paginate(Page)
def pledges_index(request, query: Query[PledgeQuery]):
    """Letters of the campaigns the caller sees, newest first, with the caller's own
    acknowledgement time (none when not yet acknowledged)."""
    qs = Pledge.objects.filter(campaign__in=campaign_list(request.user)).order_by(
        "-campaign__starts_on", "campaign_id", "-version"
    )
    if query.campaign_id:
        qs = qs.filter(campaign_id=query.campaign_id)
    return _LazyAcks(request.user, qs)


class _LazyAcks:
    """A sliceable list for the paginator that adds the caller's acknowledgement per page."""

    def __init__(self, user, qs):
        self.user, self.qs = user, qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        member_id = getattr(self.user, "member_id", None)
        page = list(self.qs[item])
        acks = dict(
            PledgeAck.objects.filter(pledge__in=page, member_id=member_id).values_list(
                "pledge_id", "acknowledged_at"
            )
        )
        for pledge in page:
            pledge.acknowledged_at = acks.get(pledge.pk)
        return page


@pledges_router.post("", response={201: PledgeOut, **WRITE_ERRORS})
def pledges_publish(request, payload: PledgeIn):
    campaign = campaign_for_user(request.user, payload.campaign_id)
    pledge = pledge_publish(
        actor=request.user, campaign=campaign, text=payload.text.replace("\x00", "")
    )
    return Status(201, pledge)


@pledges_router.get("/{int:pledge_id}", response={200: PledgeOut, **READ_ERRORS})
def pledges_detail(request, pledge_id: int):
    pledge = pledge_for_user(request.user, pledge_id)
    member_id = getattr(request.user, "member_id", None)
    ack = PledgeAck.objects.filter(pledge=pledge, member_id=member_id).first()
    pledge.acknowledged_at = ack.acknowledged_at if ack else None
    return pledge


@pledges_router.post(
    "/{int:pledge_id}/acknowledgement",
    response={200: AcknowledgementOut, 201: AcknowledgementOut, **WRITE_ERRORS},
)
def pledges_acknowledge(request, pledge_id: int):
    """The member's acknowledgement: 201 the first time, 200 (stored once) after that."""
    pledge = pledge_for_user(request.user, pledge_id)
    ack, created = pledge_acknowledge(actor=request.user, pledge=pledge)
    body = {
        "pledge_id": pledge.pk,
        "version": pledge.version,
        "member_id": ack.member_id,
        "acknowledged_at": ack.acknowledged_at,
        "created": created,
    }
    return Status(201 if created else 200, body)


@duty_router.get("/{int:campaign_id}/pledge-counts", response={200: PledgeCountsOut, **READ_ERRORS})
def campaigns_pledge_counts(request, campaign_id: int, query: Query[PledgeCountsQuery]):
    """Acknowledged and pending per village (and per grid of one village): counts only."""
    campaign = campaign_for_user(request.user, campaign_id)
    counts = pledge_counts(request.user, campaign, village=query.village)
    return {
        "version": counts["pledge"].version if counts["pledge"] else None,
        "acknowledged": counts["acknowledged"],
        "pending": counts["pending"],
        "by_village": [
            {"code": c, "name": n, "acknowledged": a, "pending": p}
            for c, n, a, p in counts["by_village"]
        ],
        "by_grid": [{"name": n, "acknowledged": a, "pending": p} for n, a, p in counts["by_grid"]],
    }


@duty_router.get("/{int:campaign_id}/logs", response={200: list[DutyLogOut], **READ_ERRORS})
@paginate(Page)
def campaigns_logs(request, campaign_id: int, query: Query[DutyLogQuery]):
    campaign = campaign_for_user(request.user, campaign_id)
    return duty_log_list(request.user, campaign, kind=query.kind or "")


@duty_router.post("/{int:campaign_id}/logs", response={201: DutyLogOut, **WRITE_ERRORS})
def campaigns_log_add(request, campaign_id: int, payload: DutyLogIn):
    """A patrol or incident (the photo is added from the phone page)."""
    campaign = campaign_for_user(request.user, campaign_id)
    entry = duty_log_record(
        actor=request.user,
        campaign=campaign,
        kind=payload.kind,
        day=payload.day,
        place=payload.place.replace("\x00", ""),
        text=payload.text.replace("\x00", ""),
    )
    return Status(201, entry)


@accountability_router.get("", response={200: list[AccountabilityOut], **READ_ERRORS})
@paginate(Page)
def accountability_index(request, query: Query[AccountabilityQuery]):
    return accountability_list(request.user, status=query.status or "")


@accountability_router.get("/{int:record_id}", response={200: AccountabilityOut, **READ_ERRORS})
def accountability_detail(request, record_id: int):
    return accountability_for_user(request.user, record_id)
