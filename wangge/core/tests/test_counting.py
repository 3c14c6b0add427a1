"""Many counts in one statement give the ORM's own numbers."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from wangge import testing
from wangge.core.counting import Tally, counts
from wangge.regions.models import Region

pytestmark = pytest.mark.django_db


def test_counts_and_tallies_in_one_statement(regions):
    villages = Q(level="village")
    under_a = Q(code__startswith=testing.VILLAGE_A)
    with CaptureQueriesContext(connection) as queries:
        found = counts(
            {
                "all": Region.objects.all(),
                "villages": Region.objects.filter(villages),
                "nothing": Region.objects.none(),
                "empty_in": Region.objects.filter(code__in=[]),
                "tally": Tally(
                    Region.objects.all(),
                    {"villages": villages, "under_a": under_a, "never": Q(code__in=[])},
                ),
                "fenced": Tally(Region.objects.filter(under_a), {"villages": villages}, fence=True),
            }
        )
    assert len(queries) == 1
    expected = Region.objects.aggregate(
        total=Count("pk"),
        villages=Count("pk", filter=villages),
        under_a=Count("pk", filter=under_a),
    )
    assert found["all"] == Region.objects.count() == expected["total"] > 0
    assert found["villages"] == Region.objects.filter(villages).count() == expected["villages"]
    assert found["nothing"] == found["empty_in"] == 0
    assert found["tally"] == {**expected, "never": 0}
    assert found["fenced"] == {
        "total": Region.objects.filter(under_a).count(),
        "villages": Region.objects.filter(under_a, villages).count(),
    }


def test_counts_of_nothing_send_nothing(regions):
    with CaptureQueriesContext(connection) as queries:
        assert counts({"none": Region.objects.none()}) == {"none": 0}
        assert counts({"t": Tally(Region.objects.none(), {"v": Q(level="village")})}) == {
            "t": {"total": 0, "v": 0}
        }
    assert len(queries) == 0
