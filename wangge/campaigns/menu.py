"""The menu's two switches that depend on the record, read in one statement per page: whether
the comparison between villages (三看三比) is on in a township of the user's, and whether an
epidemic campaign runs today over the user's area (the link to today's follow-ups)."""

import datetime
from functools import reduce
from operator import or_

from django.db.models import Q

from wangge.accounts.scope import area_prefixes, prefix_q, role_set
from wangge.campaigns.models import Campaign, CampaignKind, EnvironmentSetting
from wangge.core.counting import counts
from wangge.regions.codes import township_of

# Who sees each link (the same roles as the menu in base.html).
COMPARE_ROLES = {"township_admin", "township_leader", "village_secretary", "village_committee"}
FOLLOW_UP_ROLES = {"village_secretary", "village_committee", "group_leader"}


def menu_switches(user, day: datetime.date) -> dict[str, bool]:
    """``{"compare": …, "follow_ups": …}`` for the menu, in one statement (none when the user
    sees neither link). The same answers as ``environment.comparison_on_for`` (a township with
    no setting compares) and, for the follow-ups, an epidemic campaign that day over an area
    above, at or under one of the user's."""
    roles = role_set(user)
    wants_compare = bool(roles & COMPARE_ROLES)
    wants_follow_ups = bool(getattr(user, "member_id", None)) or bool(roles & FOLLOW_UP_ROLES)
    out = {"compare": False, "follow_ups": False}
    prefixes = area_prefixes(user) if wants_compare or wants_follow_ups else []
    if not prefixes:
        return out
    townships = {township_of(p) for p in prefixes if township_of(p)}
    wanted = {}
    if wants_compare and townships:
        wanted["compare_off"] = EnvironmentSetting.objects.filter(
            township_code__in=townships, comparison_on=False
        )
    if wants_follow_ups:
        over = reduce(
            or_,
            (prefix_q("area_code", p) | Q(area_code__in=[p[:n] for n in range(len(p))])
             for p in prefixes),
        )  # fmt: skip
        wanted["running"] = Campaign.objects.filter(
            over, kind=CampaignKind.EPIDEMIC, starts_on__lte=day, ends_on__gte=day
        )
    found = counts(wanted)
    # A township without a setting compares its villages: on unless every township is off.
    out["compare"] = "compare_off" in found and found["compare_off"] < len(townships)
    out["follow_ups"] = found.get("running", 0) > 0
    return out
