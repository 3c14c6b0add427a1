"""Reads of members and organisations, always through the user's scope."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from wangge.accounts.scope import (
    get_visible_or_404,
    own_member,
    personal,
    personal_or_404,
    prefix_q,
    visible,
)
from wangge.party.models import Member, Organisation


@dataclass(frozen=True)
class MemberFilters:
    """What a member list can be narrowed by; the same filters drive the page, export and API."""

    q: str = ""
    area_code: str = ""
    organisation_id: int | None = None
    age_band: str = ""  # "lt40", "40-59", "60-69", "70-79", "80plus", "60plus"
    mobile: bool | None = None

    @classmethod
    def from_params(cls, params) -> "MemberFilters":
        def _int(value):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None

        mobile = params.get("mobile")
        return cls(
            q=(params.get("q") or "").strip()[:50],
            area_code=(params.get("area_code") or "").strip()[:18],
            organisation_id=_int(params.get("organisation")),
            age_band=(params.get("age_band") or "").strip(),
            mobile={"1": True, "0": False}.get(mobile or ""),
        )


AGE_BANDS = {
    "lt40": (0, 39),
    "40-59": (40, 59),
    "60-69": (60, 69),
    "70-79": (70, 79),
    "80plus": (80, 200),
    "60plus": (60, 200),
}


def birth_range(
    min_age: int, max_age: int, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """Birth dates of people aged min_age..max_age (inclusive) on ``today``."""

    def years_before(years: int) -> datetime.date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    latest = years_before(min_age)
    earliest = years_before(max_age + 1) + datetime.timedelta(days=1)
    return earliest, latest


def member_list(user, filters: MemberFilters, *, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    # Lists show masked values only: leave the ciphertexts in the database, undecrypted.
    qs = personal(Member.objects.defer("id_number", "phone"), user, own=own_member).select_related(
        "organisation", "area"
    )
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(phone_masked__endswith=filters.q))
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.age_band in AGE_BANDS:
        earliest, latest = birth_range(*AGE_BANDS[filters.age_band], today)
        qs = qs.filter(birth_date__range=(earliest, latest))
    if filters.mobile is not None:
        qs = qs.filter(is_mobile=filters.mobile)
    return qs.order_by("area_code", "name", "id")


def member_for_user(user, pk: int) -> Member:
    return personal_or_404(
        Member.objects.select_related("organisation", "area"), user, own=own_member, pk=pk
    )


def organisation_for_user(user, pk: int) -> Organisation:
    return get_visible_or_404(Organisation.objects.all(), user, pk=pk)


def organisations_for_user(user) -> QuerySet:
    return visible(Organisation.objects.all(), user).order_by("area_code", "name")
