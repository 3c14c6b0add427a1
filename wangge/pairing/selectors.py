"""Reads of pairings other apps reuse (visits' "my households", flags' notifications)."""

from django.db.models import QuerySet

from wangge.pairing.models import Pairing


def pairings_active() -> QuerySet[Pairing]:
    return Pairing.objects.filter(ended_on__isnull=True)


def household_ids_paired_with(member) -> QuerySet:
    """Ids of the households the member is paired with today."""
    return pairings_active().filter(member=member).values("household_id")


def members_paired_with(household) -> QuerySet:
    """The members currently paired with a household."""
    from wangge.party.models import Member

    return Member.objects.filter(
        pk__in=pairings_active().filter(household=household).values("member_id")
    )
