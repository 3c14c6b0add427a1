"""A province-size division table must not make any query grow with it.

With the national table loaded, ``wangge stats --json`` crashed (SQLite: "Expression tree is
too large") because "all areas" was written as an OR of every township's code. This loads a
synthetic province (≥ 2,000 townships) and opens the statistics, the overview and every list
page as a province-wide user.
"""

import io
import json

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_route_walk import SLUG_VALUES, _page_paths
from wangge import testing
from wangge.accounts.models import Role
from wangge.regions.models import Level, Region

PROVINCE = "34"
CITIES = 16
COUNTIES_PER_CITY = 10
TOWNSHIPS_PER_COUNTY = 13
VILLAGES_PER_TOWNSHIP = 2


def _province_table() -> int:
    """Cities 3401–3416, counties ``34CC01``–``34CC10`` (clear of the test county 340827)."""
    rows = [Region(code=PROVINCE, name="安徽省", level=Level.PROVINCE)]
    townships = 0
    for c in range(1, CITIES + 1):
        city = f"{PROVINCE}{c:02d}"
        rows.append(Region(code=city, name=f"市{c}", level=Level.CITY, parent_id=PROVINCE))
        for k in range(1, COUNTIES_PER_CITY + 1):
            county = f"{city}{k:02d}"
            rows.append(Region(code=county, name=f"县{k}", level=Level.COUNTY, parent_id=city))
            for t in range(TOWNSHIPS_PER_COUNTY):
                township = f"{county}{100 + t:03d}"
                townships += 1
                rows.append(
                    Region(code=township, name=f"镇{t}", level=Level.TOWNSHIP, parent_id=county)
                )
                rows.extend(
                    Region(
                        code=f"{township}{200 + v:03d}",
                        name=f"村{v}",
                        level=Level.VILLAGE,
                        parent_id=township,
                    )
                    for v in range(VILLAGES_PER_TOWNSHIP)
                )
    Region.objects.bulk_create(rows, batch_size=2000)
    return townships


@pytest.fixture
def province_admin(regions, tags):
    assert _province_table() >= 2000
    Region.objects.filter(code="340827").update(parent_id=None)
    household = testing.make_household(area_code=testing.VILLAGE_A + "001001", seq=1)
    testing.make_member(area_code=testing.VILLAGE_A + "001", seq=2)
    user = testing.make_user("province-admin", Role.TOWNSHIP_ADMIN, PROVINCE)
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    user.household_pk = household.pk
    return user


def test_stats_json_over_a_province(province_admin):
    out = io.StringIO()
    call_command("stats", "--json", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["households"] >= 1


def test_overview_and_every_page_over_a_province(client, province_admin):
    client.force_login(province_admin)
    client.raise_request_exception = False
    values = {
        "int": [str(province_admin.household_pk)],
        "slug": SLUG_VALUES,
        "str": [testing.VILLAGE_A],
    }
    assert client.get("/").status_code == 200
    failures = {}
    for path in _page_paths(values):
        status = client.get(path).status_code
        if status >= 500:
            failures[path] = status
    assert not failures, failures
