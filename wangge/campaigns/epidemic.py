"""Epidemic control (S10): the returnee register over the epidemic grid layer, test results,
home quarantine / medical observation with a follow-up each day, and the daily status per grid.

Reads are scoped like the rest: an office role sees the grids under its area, an ordinary
member the grids they serve in (responsible or on the grid's roster). Writes are one
transaction each, audited, and refuse bad input with every mistake at once.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import ORDINARY, Role
from wangge.accounts.scope import (
    area_prefixes,
    office_prefixes,
    prefix_q,
    require_personal_data,
)
from wangge.audit.services import audit_record
from wangge.campaigns.models import (
    Campaign,
    CampaignKind,
    FollowUp,
    LabOutcome,
    LabResult,
    Quarantine,
    QuarantineKind,
    Returnee,
    ReturneeChannel,
    RiskLevel,
)
from wangge.core.crypto import blind_index
from wangge.core.identity import IdentityError, mask_phone, parse_phone
from wangge.grids.models import Grid, GridHousehold, GridMember
from wangge.regions.codes import VILLAGE_LENGTH, village_of
from wangge.regions.models import Region

EPIDEMIC_LAYER = "epidemic"
# Office roles that register returnees and record tests, quarantines and follow-ups in their area;
# ordinary members do it for the grids they serve in.
EPIDEMIC_STAFF = {
    Role.TOWNSHIP_ADMIN,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_COMMITTEE,
    Role.GROUP_LEADER,
}
MAX_NAME, MAX_ORIGIN, MAX_CONDITION = 50, 100, 200
TEMPERATURE_RANGE = (Decimal("34.0"), Decimal("43.0"))
# The lists behind the daily status figures.
STATUS_LISTS = ("arrived", "registered", "observed", "done", "pending", "positive")


def phone_key(phone: str) -> str:
    """The rate-limit key of a resident's phone (never the number itself)."""
    return blind_index(phone, purpose="returnee-phone") if phone else ""


# --- Reads ----------------------------------------------------------------------------------


def epidemic_campaign_for(user, pk: int) -> Campaign:
    """An epidemic campaign the user sees (the same 404 for any other)."""
    from wangge.campaigns.selectors import campaign_for_user

    campaign = campaign_for_user(user, pk)
    if campaign.kind != CampaignKind.EPIDEMIC:
        raise Http404
    return campaign


def _own_grids(member_id: int) -> Q:
    return Q(responsible_id=member_id) | Q(
        pk__in=GridMember.objects.filter(member_id=member_id).values("grid_id")
    )


def grids_for(user, campaign: Campaign | None = None, *, write: bool = False) -> QuerySet:
    """Epidemic grids the user reads (or, with ``write``, records in): under an office role's
    area, and the grids an ordinary member serves in; within the campaign's area if given."""
    require_personal_data(user)
    grids = Grid.objects.filter(layer__slug=EPIDEMIC_LAYER)
    if campaign is not None:
        grids = grids.filter(prefix_q("area_code", campaign.area_code))
    prefixes = area_prefixes(user, EPIDEMIC_STAFF) if write else office_prefixes(user)
    parts = [prefix_q("area_code", p) for p in prefixes]
    member_id = getattr(user, "member_id", None)
    if member_id:
        ordinary = area_prefixes(user, {r.value for r in ORDINARY})
        if ordinary or write:
            parts.append(_own_grids(member_id))
    if not parts:
        return grids.none()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return grids.filter(q)


def returnees_for(user, campaign: Campaign) -> QuerySet:
    return (
        Returnee.objects.filter(campaign=campaign, grid__in=grids_for(user, campaign).values("pk"))
        .select_related("grid", "area")
        .defer("phone")
    )


def returnee_for_user(user, pk: int) -> Returnee:
    returnee = (
        Returnee.objects.select_related("campaign", "grid", "area", "household")
        .filter(pk=pk)
        .first()
    )
    if returnee is None or not grids_for(user, returnee.campaign).filter(pk=returnee.grid_id):
        raise Http404
    return returnee


def lab_results_for(user, campaign: Campaign) -> QuerySet:
    """Test results of the returnees the user reads in the campaign."""
    return (
        LabResult.objects.filter(returnee__in=returnees_for(user, campaign).values("pk"))
        .select_related("returnee")
        .defer("returnee__phone")
    )


def quarantines_for(user, campaign: Campaign) -> QuerySet:
    return (
        Quarantine.objects.filter(returnee__in=returnees_for(user, campaign).values("pk"))
        .select_related("returnee")
        .defer("returnee__phone")
    )


def follow_ups_for(user, campaign: Campaign) -> QuerySet:
    return (
        FollowUp.objects.filter(quarantine__returnee__in=returnees_for(user, campaign).values("pk"))
        .select_related("quarantine__returnee")
        .defer("quarantine__returnee__phone")
    )


def may_record(user, grid: Grid) -> bool:
    return grids_for(user, write=True).filter(pk=grid.pk).exists()


def running_epidemic_for(area_code: str, day: datetime.date) -> Campaign | None:
    """The epidemic campaign over this area on this day, if any (the public form's)."""
    candidates = Campaign.objects.filter(
        kind=CampaignKind.EPIDEMIC,
        township_code=area_code[:9],
        starts_on__lte=day,
        ends_on__gte=day,
    ).order_by("-starts_on", "-id")
    return next((c for c in candidates if area_code.startswith(c.area_code)), None)


def public_grid(key: str) -> Grid | None:
    """The epidemic grid behind a QR key."""
    if not key or len(key) > 24:
        return None
    return (
        Grid.objects.filter(qr_key=key, layer__slug=EPIDEMIC_LAYER).select_related("area").first()
    )


def households_of(grid: Grid) -> QuerySet:
    from wangge.households.models import Household

    return (
        Household.objects.filter(
            pk__in=GridHousehold.objects.filter(grid=grid).values("household_id")
        )
        .only("pk", "head_name", "area_code")
        .order_by("head_name", "pk")
    )


def _active_on(day: datetime.date, path: str = "") -> Q:
    return Q(**{f"{path}starts_on__lte": day, f"{path}ends_on__gte": day})


class GridRow(NamedTuple):
    pk: int
    name: str
    area_code: str


class VillageRow(NamedTuple):
    code: str
    name: str


STATUS_FIGURES = ("arrived", "registered", "observed", "done", "positive")


def _covers(user, area_code: str) -> bool:
    """Whether an office role's area holds ``area_code`` (the campaign's, or a village of it):
    then the user reads every grid there (a returnee's grid is an epidemic grid in the
    campaign's area)."""
    return any(area_code.startswith(p) for p in office_prefixes(user))


def daily_status(
    user, campaign: Campaign, day: datetime.date, *, village: str = "", by_village: bool = False
) -> dict:
    """Per grid (or, with ``by_village``, per village of the grids), for one day, among the
    returnees registered so far: who arrived that day, how many are registered, under
    observation (a follow-up due), followed up, positive.

    After the roles, one statement however many grids: the returnees, the day's quarantines
    (with the day's follow-up as a filtered outer join, one a day at most) and the few
    positives, each counted per grid by the ORM in one ``UNION ALL``, joined to the scoped
    grids and summed per grid or per village (with its name) in the database. The counts read
    the scoped grids' returnees only: a semi-join on the grids, or a range on the grid's area
    code when an office role holds the village asked for, or nothing more when it holds the
    whole campaign's area. The outer sum is written out as plain SQL around the ORM's two queries
    (as ``visits.selectors.due_counts`` does): Django cannot aggregate over a union, and
    summing thousands of grids' rows in Python cost more than the database's whole work (see
    "Epidemic daily status per grid" in docs/benchmarks.md). Dates are parameters: the same
    statement runs on SQLite and PostgreSQL."""
    grids = grids_for(user, campaign)
    if village:
        grids = grids.filter(prefix_q("area_code", village))
    zero = Value(0)
    zeros = {key: zero for key in STATUS_FIGURES}

    def counted(queryset: QuerySet, grid: str, **counts) -> QuerySet:
        # Filter first: the returnees of the grids the user reads, by a plain range on the
        # grid's area when an office role holds the whole area asked for.
        if village and _covers(user, village):
            queryset = queryset.filter(prefix_q(f"{grid}__area_code", village))
        elif not _covers(user, village or campaign.area_code):
            queryset = queryset.filter(**{f"{grid}_id__in": grids.values("pk")})
        return (
            queryset.values(grid_key=F(f"{grid}_id"))
            .annotate(**(zeros | counts))
            .values_list("grid_key", *STATUS_FIGURES)
            .order_by()
        )

    registered = counted(
        Returnee.objects.filter(campaign=campaign, arrived_on__lte=day),
        "grid",
        # Columns of the (campaign, grid, arrived_on) index only: an index-only scan.
        arrived=Count("arrived_on", filter=Q(arrived_on=day)),
        registered=Count("*"),
    )
    # The day's quarantines, each with its follow-up of the day if done (one a day at most, a
    # person's quarantines never overlap: plain counts).
    observed = counted(
        Quarantine.objects.filter(
            _active_on(day), returnee__campaign=campaign, returnee__arrived_on__lte=day
        ).annotate(today=FilteredRelation("follow_ups", condition=Q(follow_ups__day=day))),
        "returnee__grid",
        observed=Count("pk"),
        done=Count("today"),
    )
    positives = counted(
        LabResult.objects.filter(
            result=LabOutcome.POSITIVE,
            tested_on__lte=day,
            returnee__campaign=campaign,
            returnee__arrived_on__lte=day,
        ),
        "returnee__grid",
        positive=Count("returnee_id", distinct=True),
    )
    counts = registered.union(observed, positives, all=True)
    # The grids: their name, or with ``by_village`` their village's code.
    label = Substr("area_code", 1, VILLAGE_LENGTH) if by_village else F("name")
    places = (
        grids.annotate(grid_key=F("pk"), place=label, sort_key=F("area_code"))
        .values_list("grid_key", "place", "sort_key")
        .order_by()
    )
    connection = connections[places.db]
    q = connection.ops.quote_name
    places_sql, places_params = places.query.sql_with_params()
    counts_sql, counts_params = counts.query.sql_with_params()
    sums = ", ".join(f"COALESCE(SUM(c.{q(key)}), 0)" for key in STATUS_FIGURES)
    joined = (
        f"FROM ({places_sql}) g LEFT JOIN ({counts_sql}) c ON c.{q('grid_key')} = g.{q('grid_key')}"
    )
    if by_village:
        regions = q(Region._meta.db_table)
        statement = (
            f"SELECT g.{q('place')}, r.{q('name')}, {sums} {joined} "
            f"LEFT JOIN {regions} r ON r.{q('code')} = g.{q('place')} "
            f"GROUP BY g.{q('place')}, r.{q('name')} ORDER BY g.{q('place')}"
        )
    else:
        statement = (
            f"SELECT g.{q('grid_key')}, g.{q('place')}, g.{q('sort_key')}, {sums} {joined} "
            f"GROUP BY g.{q('grid_key')}, g.{q('place')}, g.{q('sort_key')} "
            f"ORDER BY g.{q('sort_key')}, g.{q('place')}"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*places_params, *counts_params])
        found = cursor.fetchall()
    rows = []
    for found_row in found:
        where, counts_of = found_row[:-5], found_row[-5:]
        place = VillageRow(where[0], where[1] or where[0]) if by_village else GridRow(*where)
        row = dict(zip(STATUS_FIGURES, map(int, counts_of), strict=True))
        row["pending"] = row["observed"] - row["done"]
        rows.append((place, row))
    totals = {key: sum(row[key] for _where, row in rows) for key in STATUS_LISTS}
    return {"rows": rows, "totals": totals, "day": day, "by_village": by_village}


def status_villages(user, campaign: Campaign) -> list[tuple[str, str]]:
    """The villages of the epidemic grids the user reads (code, name), for the page's choice."""
    codes = grids_for(user, campaign).annotate(code=Substr("area_code", 1, VILLAGE_LENGTH))
    return list(
        Region.objects.filter(code__in=codes.values("code"))
        .order_by("code")
        .values_list("code", "name")
    )


def status_list(
    user, campaign: Campaign, day: datetime.date, what: str, *, grid_id: int | None = None
) -> QuerySet:
    """The returnees behind one daily status figure (in one grid or all the user sees)."""
    returnees = returnees_for(user, campaign)
    if grid_id is not None:
        returnees = returnees.filter(grid_id=grid_id)
    if what:
        returnees = returnees.filter(arrived_on__lte=day)  # the figures count those so far
    active = Quarantine.objects.filter(_active_on(day), returnee_id=OuterRef("pk"))
    followed = FollowUp.objects.filter(
        day=day, quarantine__returnee_id=OuterRef("pk"), quarantine__starts_on__lte=day
    ).filter(quarantine__ends_on__gte=day)
    if what == "arrived":
        return returnees.filter(arrived_on=day)
    if what == "registered":
        return returnees.filter(arrived_on__lte=day)
    if what == "observed":
        return returnees.filter(Exists(active))
    if what == "done":
        return returnees.filter(Exists(active), Exists(followed))
    if what == "pending":
        return returnees.filter(Exists(active)).exclude(Exists(followed))
    if what == "positive":
        return returnees.filter(
            Exists(
                LabResult.objects.filter(
                    returnee_id=OuterRef("pk"), result=LabOutcome.POSITIVE, tested_on__lte=day
                )
            )
        )
    return returnees


def follow_ups_due(user, day: datetime.date) -> QuerySet:
    """Quarantines running on ``day`` in the grids the user records in, without the day's
    follow-up yet: the grid members' list for today."""
    grids = grids_for(user, write=True)
    done = FollowUp.objects.filter(quarantine_id=OuterRef("pk"), day=day)
    return (
        Quarantine.objects.filter(
            _active_on(day),
            returnee__grid_id__in=grids.values("pk"),
            returnee__campaign__kind=CampaignKind.EPIDEMIC,
        )
        .exclude(Exists(done))
        .select_related("returnee", "returnee__grid")
        .defer("returnee__phone")
        .order_by("returnee__grid__name", "returnee__name", "pk")
    )


# --- Writes ---------------------------------------------------------------------------------


def _require_writer(actor, grid: Grid) -> None:
    if not grids_for(actor).filter(pk=grid.pk).exists() and not may_record(actor, grid):
        raise Http404  # a grid outside the user's scope: the same answer as a missing one
    if not may_record(actor, grid):
        raise PermissionDenied(_("Only the grid's members and village staff may record here."))


def _place_errors(campaign: Campaign, grid: Grid | None, household) -> dict[str, str]:
    out: dict[str, str] = {}
    if campaign.kind != CampaignKind.EPIDEMIC:
        out["form"] = _("Returnees are registered in an epidemic campaign only.")
    if grid is None:
        out["grid"] = _("Choose the grid the person lives in.")
    elif grid.layer.slug != EPIDEMIC_LAYER or not grid.area_code.startswith(campaign.area_code):
        out["grid"] = _("Choose one of the campaign's epidemic grids.")
    elif household is not None:
        village = village_of(grid.area_code) or grid.area_code
        if not household.area_code.startswith(village):
            out["household"] = _("The household must be in the grid's village.")
    return out


def returnee_input_errors(
    *,
    campaign: Campaign,
    grid: Grid | None,
    name: str,
    phone: str,
    origin: str,
    risk: str,
    arrived_on: datetime.date | None,
    household=None,
    public: bool = False,
    today: datetime.date | None = None,
) -> tuple[dict[str, str], dict]:
    """Every mistake at once, and the cleaned fields when there are none."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    name, origin = (name or "").strip(), (origin or "").strip()
    if not name:
        errors["name"] = _("Enter the returnee's name.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("A name can have at most 50 characters.")
    clean_phone = ""
    if phone and str(phone).strip():
        try:
            clean_phone = parse_phone(phone, allow_landline=True)
        except IdentityError as exc:
            errors["phone"] = str(exc)
    elif public:
        errors["phone"] = _("Enter a phone number so the grid member can reach you.")
    if not origin:
        errors["origin"] = _("Enter where the person came from (city or county).")
    elif len(origin) > MAX_ORIGIN:
        errors["origin"] = _("Write the place in at most 100 characters.")
    if risk not in RiskLevel.values:
        errors["risk"] = _("Choose the risk level of the place: low, medium or high.")
    if arrived_on is None:
        errors["arrived_on"] = _("Enter the arrival date.")
    elif arrived_on > today:
        errors["arrived_on"] = _("The arrival date cannot be in the future.")
    errors.update(_place_errors(campaign, grid, household))
    cleaned = {
        "name": name,
        "phone": clean_phone,
        "phone_masked": mask_phone(clean_phone),
        "origin": origin,
        "risk": risk,
        "arrived_on": arrived_on,
        "household": household,
    }
    return errors, cleaned


def returnee_register(
    *,
    actor,
    campaign: Campaign,
    grid: Grid | None,
    name: str,
    phone: str = "",
    origin: str,
    risk: str,
    arrived_on: datetime.date | None,
    household=None,
    channel: str = ReturneeChannel.MEMBER,
    today: datetime.date | None = None,
) -> Returnee:
    """A returnee in the register: by a grid member or staff (``actor``), or by the resident
    from the grid's QR form (``actor`` None, ``channel`` public_qr)."""
    public = channel == ReturneeChannel.PUBLIC_QR
    if not public:
        if grid is not None:
            _require_writer(actor, grid)
    elif actor is not None or household is not None:
        raise PermissionDenied(_("The public form registers the resident only."))
    errors, cleaned = returnee_input_errors(
        campaign=campaign,
        grid=grid,
        name=name,
        phone=phone,
        origin=origin,
        risk=risk,
        arrived_on=arrived_on,
        household=household,
        public=public,
        today=today,
    )
    if not errors and not campaign.running_on(today or timezone.localdate()) and public:
        errors["form"] = _("Registration for this campaign is closed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        returnee = Returnee(campaign=campaign, grid=grid, channel=channel, created_by=actor)
        for field, value in cleaned.items():
            setattr(returnee, field, value)
        returnee.set_area(grid.area)
        returnee.save()
        audit_record(
            actor=actor,
            action="campaigns.returnee_register",
            obj=returnee,
            detail={"campaign": campaign.pk, "grid": grid.pk, "channel": channel},
        )
    return returnee


def lab_result_record(
    *, actor, returnee: Returnee, tested_on: datetime.date | None, result: str, today=None
) -> LabResult:
    _require_writer(actor, returnee.grid)
    today = today or timezone.localdate()
    errors = {}
    if tested_on is None:
        errors["tested_on"] = _("Enter the test date.")
    elif tested_on > today:
        errors["tested_on"] = _("The test date cannot be in the future.")
    if result not in LabOutcome.values:
        errors["result"] = _("Choose the result: negative, positive or awaiting.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = LabResult.objects.create(
            returnee=returnee, tested_on=tested_on, result=result, created_by=actor
        )
        audit_record(
            actor=actor,
            action="campaigns.lab_result_record",
            obj=record,
            area_code=returnee.area_code,
            detail={"returnee": returnee.pk, "result": result},
        )
    return record


def quarantine_start(
    *,
    actor,
    returnee: Returnee,
    kind: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> Quarantine:
    _require_writer(actor, returnee.grid)
    errors = {}
    if kind not in QuarantineKind.values:
        errors["kind"] = _("Choose home quarantine or medical observation.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day.")
    if ends_on is None:
        errors["ends_on"] = _("Enter the last day.")
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The last day must be on or after the first day.")
    elif starts_on is not None and (ends_on - starts_on).days > 60:
        errors["ends_on"] = _("A quarantine lasts at most 60 days; check the dates.")
    if starts_on is not None and starts_on < returnee.arrived_on:
        errors["starts_on"] = _("The quarantine cannot start before the person arrived.")
    elif starts_on is not None and ends_on is not None and "ends_on" not in errors:
        overlap = returnee.quarantines.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        other = overlap.first()
        if other is not None:
            errors["starts_on"] = _(
                "The person is already under quarantine from %(a)s to %(b)s; choose days after it."
            ) % {"a": other.starts_on.isoformat(), "b": other.ends_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        quarantine = Quarantine.objects.create(
            returnee=returnee, kind=kind, starts_on=starts_on, ends_on=ends_on, created_by=actor
        )
        audit_record(
            actor=actor,
            action="campaigns.quarantine_start",
            obj=quarantine,
            area_code=returnee.area_code,
            detail={"returnee": returnee.pk, "kind": kind},
        )
    return quarantine


def parse_temperature(raw) -> Decimal | None:
    text = str(raw or "").strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise ValueError(_("Write the temperature as a number, e.g. 36.5.")) from None
    low, high = TEMPERATURE_RANGE
    if not low <= value <= high:
        raise ValueError(_("A body temperature is between 34 and 43 °C; check the number."))
    return value


def follow_up_record(
    *,
    actor,
    quarantine: Quarantine,
    day: datetime.date | None,
    temperature="",
    condition: str = "",
    today=None,
) -> FollowUp:
    """The day's follow-up; a day outside the quarantine, in the future, or already followed
    up is refused."""
    returnee = quarantine.returnee
    _require_writer(actor, returnee.grid)
    today = today or timezone.localdate()
    errors = {}
    value = None
    try:
        value = parse_temperature(temperature)
    except ValueError as exc:
        errors["temperature"] = str(exc)
    condition = (condition or "").strip()
    if len(condition) > MAX_CONDITION:
        errors["condition"] = _("Write the condition in at most 200 characters.")
    if value is None and not condition:
        errors.setdefault("temperature", _("Enter the temperature or how the person is."))
    if day is None:
        errors["day"] = _("Enter the day of the follow-up.")
    elif not quarantine.starts_on <= day <= quarantine.ends_on:
        errors["day"] = _("The follow-up day must be within the quarantine (%(a)s to %(b)s).") % {
            "a": quarantine.starts_on.isoformat(),
            "b": quarantine.ends_on.isoformat(),
        }
    elif day > today:
        errors["day"] = _("The follow-up day cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.create(
                quarantine=quarantine,
                day=day,
                temperature=value,
                condition=condition,
                member=getattr(actor, "member", None),
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="campaigns.follow_up_record",
                obj=follow_up,
                area_code=returnee.area_code,
                detail={"quarantine": quarantine.pk, "day": day.isoformat()},
            )
    except IntegrityError:
        raise ValidationError({"day": _("This day's follow-up is already recorded.")}) from None
    return follow_up
