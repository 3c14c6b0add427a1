"""Reads of households, always through the user's scope."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wangge.accounts.scope import own_households, personal, personal_or_404, prefix_q
from wangge.households.models import Household, Tag

SENSITIVE = ("head_id_number", "phone")


@dataclass(frozen=True)
class HouseholdFilters:
    """What a household list can be narrowed by; the same filters drive the page, export and API."""

    q: str = ""
    area_code: str = ""
    tag: str = ""

    @classmethod
    def from_params(cls, params) -> "HouseholdFilters":
        return cls(
            q=(params.get("q") or "").strip()[:50],
            area_code=(params.get("area_code") or "").strip()[:18],
            tag=(params.get("tag") or "").strip()[:40],
        )


def household_list(user, filters: HouseholdFilters) -> QuerySet:
    # Lists show masked values only: leave the ciphertexts in the database, undecrypted.
    qs = personal(Household.objects.defer(*SENSITIVE), user, own=own_households)
    qs = qs.select_related("area")
    if filters.q:
        qs = qs.filter(Q(head_name__contains=filters.q) | Q(address__contains=filters.q))
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    if filters.tag:
        qs = qs.filter(tags__slug=filters.tag)
    return qs.order_by("area_code", "head_name", "id")


def household_for_user(user, pk: int) -> Household:
    return personal_or_404(
        Household.objects.select_related("area"), user, own=own_households, pk=pk
    )


def household_duplicates(user, household: Household) -> QuerySet:
    """Other households in the user's scope with the same head and address (entered twice?)."""
    same = Household.objects.defer(*SENSITIVE).filter(
        head_name=household.head_name, address=household.address
    )
    return personal(same.exclude(pk=household.pk), user, own=own_households)


def tags_all(user) -> QuerySet:
    """The household tags: one list for every area, the same for everyone signed in."""
    if not getattr(user, "is_authenticated", False):
        return Tag.objects.none()
    return Tag.objects.order_by("kind", "sort", "slug")
