"""The menu's links that depend on the record (comparison between villages, today's
follow-ups) are read in one statement per page and answer as the pages' own checks do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wangge import testing
from wangge.accounts.models import Role
from wangge.accounts.scope import area_prefixes, role_set
from wangge.campaigns.environment import comparison_on_for, comparison_switch
from wangge.campaigns.menu import COMPARE_ROLES, FOLLOW_UP_ROLES, menu_switches
from wangge.campaigns.models import Campaign, CampaignKind
from wangge.campaigns.tests.test_epidemic import DAY, epi  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def epidemic_running_for_user(user, day) -> bool:
    """The rule written out plainly: an epidemic campaign runs that day over an area above, at
    or under one of the user's."""
    running = Campaign.objects.filter(
        kind=CampaignKind.EPIDEMIC, starts_on__lte=day, ends_on__gte=day
    ).values_list("area_code", flat=True)
    prefixes = area_prefixes(user)
    return any(a.startswith(p) or p.startswith(a) for a in running for p in prefixes)


def test_menu_switches_answer_as_the_pages_checks(epi, township_admin):  # noqa: F811
    hamlet_user = testing.make_user("gl-x", Role.GROUP_LEADER, testing.VILLAGE_B + "001")
    users = [township_admin, epi["secretary"], epi["a"], epi["b"], hamlet_user]
    campaign = epi["campaign"]
    for area in [testing.TOWNSHIP, testing.VILLAGE_B, testing.VILLAGE_A + "001", "34"]:
        Campaign.objects.filter(pk=campaign.pk).update(area_code=area)
        for on in (True, False):
            comparison_switch(actor=township_admin, township_code=testing.TOWNSHIP, on=on)
            for day in (epi["today"] - 11 * DAY, epi["today"], epi["today"] + 31 * DAY):
                for user in users:
                    compare = bool(role_set(user) & COMPARE_ROLES) and comparison_on_for(
                        user, area_prefixes(user)
                    )
                    # The link shows for members and village staff (base.html).
                    running = bool(
                        user.member_id or role_set(user) & FOLLOW_UP_ROLES
                    ) and epidemic_running_for_user(user, day)
                    switches = menu_switches(user, day)
                    assert switches == {"compare": compare, "follow_ups": running}, (
                        user, area, on, day
                    )  # fmt: skip


def test_menu_switches_cost_one_statement(epi):  # noqa: F811
    area_prefixes(epi["secretary"]), role_set(epi["secretary"])  # the user's roles, cached
    with CaptureQueriesContext(connection) as queries:
        assert menu_switches(epi["secretary"], epi["today"]) == {
            "compare": True,
            "follow_ups": True,
        }
    assert len(queries) == 1
