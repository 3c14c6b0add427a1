"""Environment work (S10): councils and the five elders inspect hamlets with a score per item
(items are each township's data), a hamlet's history, and the comparison between villages on
outcomes (三看三比), which a township may switch off.

三看三比 here: (1) is the secretary's own hamlet done first — inspected no later than the
village's other hamlets and scoring at least the village average; (2) how often cadres are in
households — visits by the village's cadres per household over the year; (3) cost per
problem solved is not recorded anywhere, so the page leaves that column out and says so."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import can_write_registry, prefix_q, visible
from wangge.audit.services import audit_record
from wangge.campaigns.models import (
    EnvironmentSetting,
    Inspection,
    InspectionItem,
    InspectionScore,
)
from wangge.households.models import Household
from wangge.party.models import Organisation, OrgKind, Position
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Level, Region
from wangge.visits.models import Visit

DEFAULT_ITEMS = [("庭院整洁", 25), ("垃圾分类", 25), ("河塘沟渠", 25), ("乱堆乱放", 25)]


# --- settings and items ----------------------------------------------------------------


def comparison_on(township_code: str) -> bool:
    setting = EnvironmentSetting.objects.filter(township_code=township_code).first()
    return setting.comparison_on if setting else True


def comparison_on_for(user, prefixes: list[str]) -> bool:
    """Whether any township under the user's areas compares its villages."""
    townships = {township_of(p) for p in prefixes if township_of(p)}
    return any(comparison_on(t) for t in townships)


def _require_township_office(actor, township_code: str) -> None:
    if not can_write_registry(actor, township_code):
        raise PermissionDenied(_("Only the township office may change this."))


@transaction.atomic
def comparison_switch(*, actor, township_code: str, on: bool) -> EnvironmentSetting:
    _require_township_office(actor, township_code)
    setting, _created = EnvironmentSetting.objects.update_or_create(
        township_code=township_code, defaults={"comparison_on": on}
    )
    audit_record(
        actor=actor,
        action="environment.comparison_switch",
        object_type="campaigns.environmentsetting",
        object_id=township_code,
        area_code=township_code,
        detail={"on": on},
    )
    return setting


def items_for(township_code: str) -> QuerySet:
    return InspectionItem.objects.filter(township_code=township_code).order_by("sort", "name")


@transaction.atomic
def item_add(*, actor, township_code: str, name: str, max_points: int | None) -> InspectionItem:
    _require_township_office(actor, township_code)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 40:
        errors["name"] = _("Give the item a name of at most 40 characters, e.g. 庭院整洁.")
    elif InspectionItem.objects.filter(township_code=township_code, name=name).exists():
        errors["name"] = _("The township already has an item of this name.")
    if max_points is None or not 1 <= max_points <= 1000:
        errors["max_points"] = _("The most points must be a whole number from 1 to 1000.")
    if errors:
        raise ValidationError(errors)
    sort = items_for(township_code).aggregate(n=Max("sort"))["n"]
    item = InspectionItem.objects.create(
        township_code=township_code,
        name=name,
        max_points=max_points,
        sort=(sort or 0) + 1,
    )
    audit_record(
        actor=actor,
        action="environment.item_add",
        object_type="campaigns.inspectionitem",
        object_id=str(item.pk),
        area_code=township_code,
        detail={"name": name, "max_points": max_points},
    )
    return item


# --- inspections -------------------------------------------------------------------------


def councils_for_hamlet(hamlet_code: str) -> QuerySet:
    """Councils that may inspect a hamlet: its own and the village's (the five elders)."""
    village = village_of(hamlet_code) or hamlet_code
    return Organisation.objects.filter(
        prefix_q("area_code", village), kind=OrgKind.COUNCIL
    ).order_by("area_code", "name")


def inspection_record(
    *,
    actor,
    hamlet: Region,
    council: Organisation | None,
    day: datetime.date | None,
    scores: dict[int, int | None],
    note: str = "",
) -> Inspection:
    """Record an inspection with a score for every item of the township; all or nothing."""
    if not can_write_registry(actor, hamlet.code):
        raise PermissionDenied(
            _(
                "Only the township office, or the village secretary for their own village, may "
                "record inspections."
            )
        )
    errors: dict[str, str] = {}
    if hamlet.level != Level.HAMLET:
        errors["hamlet"] = _("Choose the hamlet that was inspected.")
    if council is None or not councils_for_hamlet(hamlet.code).filter(pk=council.pk).exists():
        errors["council"] = _("Choose a council of this hamlet's village.")
    if day is None:
        errors["day"] = _("Enter the day of the inspection.")
    elif day > timezone.localdate():
        errors["day"] = _("The inspection day cannot be in the future.")
    items = list(items_for(township_of(hamlet.code) or ""))
    if not items:
        errors["scores"] = _("The township has not set its inspection items yet.")
    for item in items:
        points = scores.get(item.pk)
        if points is None:
            errors[f"item_{item.pk}"] = _("Give a score for %(item)s.") % {"item": item.name}
        elif not 0 <= points <= item.max_points:
            errors[f"item_{item.pk}"] = _("%(item)s scores from 0 to %(max)d points.") % {
                "item": item.name,
                "max": item.max_points,
            }
    if len(note or "") > 2000:
        errors["note"] = _("Keep the note under 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = Inspection(
            council=council,
            day=day,
            total=sum(scores[i.pk] for i in items),
            max_total=sum(i.max_points for i in items),
            note=(note or "").strip(),
            created_by=actor,
        )
        inspection.set_area(hamlet)
        inspection.save()
        InspectionScore.objects.bulk_create(
            [InspectionScore(inspection=inspection, item=i, points=scores[i.pk]) for i in items]
        )
        audit_record(actor=actor, action="environment.inspection", obj=inspection)
    return inspection


def inspection_list(user, *, area_code: str = "") -> QuerySet:
    qs = visible(Inspection.objects.select_related("area", "council"), user)
    if area_code:
        qs = qs.filter(prefix_q("area_code", area_code))
    return qs.order_by("-day", "-id")


def hamlet_for_user(user, code: str) -> Region:
    hamlet = visible(Region.objects.filter(level=Level.HAMLET), user, field="code")
    hamlet = hamlet.filter(code=code).select_related("parent").first()
    if hamlet is None:
        raise Http404
    return hamlet


# --- 三看三比: the comparison between villages --------------------------------------------


@dataclass
class VillageComparison:
    village: Region
    hamlets: int
    inspected: int
    average: int | None  # the village's average latest score, percent
    secretary_hamlet: str
    secretary_first: bool | None  # None: the secretary's hamlet not inspected / unknown
    secretary_score: int | None
    visits_per_household: float | None


def _secretary_homes(village_codes: list[str]) -> dict[str, str]:
    """Each village's secretary's home hamlet code (the village top branch's 书记)."""
    homes: dict[str, str] = {}
    rows = (
        Position.objects.filter(title="书记", organisation__area_code__in=village_codes)
        .order_by("organisation__parent__kind", "organisation_id")
        .values_list("organisation__area_code", "member__area_code", "organisation__parent__kind")
    )
    for village, home, parent_kind in rows:
        if village not in homes or parent_kind == OrgKind.COMMITTEE:
            homes[village] = home[:15] if home and len(home) >= 15 else ""
    return homes


def comparison(user, *, year: int) -> list[VillageComparison]:
    """Per village in the user's scope, for one year. A fixed number of queries."""
    villages = list(
        visible(Region.objects.filter(level=Level.VILLAGE), user, field="code").order_by("code")
    )
    codes = [v.code for v in villages]
    if not codes:
        return []
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    hamlets: dict[str, int] = {}
    for code in visible(Region.objects.filter(level=Level.HAMLET), user, field="code").values_list(
        "code", flat=True
    ):
        hamlets[code[:12]] = hamlets.get(code[:12], 0) + 1
    inspections = visible(Inspection.objects.filter(day__range=(first, last)), user)
    # The latest inspection of each hamlet, and the first day each hamlet was inspected.
    latest: dict[str, tuple[datetime.date, int, int]] = {}
    for area, day, total, max_total in inspections.order_by("area_code", "day", "id").values_list(
        "area_code", "day", "total", "max_total"
    ):
        latest[area] = (day, total, max_total)
    first_day = dict(inspections.values_list("area_code").annotate(d=Min("day")).order_by())
    homes = _secretary_homes(codes)
    cadres = Position.objects.filter(organisation__area_code__in=codes).exclude(
        organisation__kind__in=[OrgKind.PARTY_GROUP, OrgKind.COUNCIL]
    )
    visits = dict(
        visible(Visit.objects.filter(visited_on__range=(first, last)), user)
        .filter(member_id__in=cadres.values("member_id"))
        .annotate(village=_village_expr())
        .values_list("village")
        .annotate(n=Count("id"))
        .order_by()
    )
    households = dict(
        visible(Household.objects.all(), user)
        .annotate(village=_village_expr())
        .values_list("village")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for village in villages:
        code = village.code
        mine = {a: v for a, v in latest.items() if a.startswith(code)}
        percents = [round(100 * t / m) for _d, t, m in mine.values() if m]
        average = round(sum(percents) / len(percents)) if percents else None
        home = homes.get(code, "")
        score = first_ok = None
        if home and home in mine:
            _d, t, m = mine[home]
            score = round(100 * t / m) if m else 0
            earliest = min(d for a, d in first_day.items() if a.startswith(code))
            first_ok = first_day[home] <= earliest and score >= (average or 0)
        elif home:
            first_ok = False if mine else None
        n_households = households.get(code, 0)
        rows.append(
            VillageComparison(
                village=village,
                hamlets=hamlets.get(code, 0),
                inspected=len(mine),
                average=average,
                secretary_hamlet=home,
                secretary_first=first_ok,
                secretary_score=score,
                visits_per_household=(
                    round(visits.get(code, 0) / n_households, 2) if n_households else None
                ),
            )
        )
    return rows


def _village_expr() -> Substr:
    return Substr("area_code", 1, 12)
