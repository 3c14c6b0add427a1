from django.db.models import Exists, OuterRef

from wangge.accounts.scope import prefix_q
from wangge.core.stats import stat_provider
from wangge.households.models import Household
from wangge.pairing.selectors import _pairings_active


@stat_provider
def pairing_stats(area_code, today) -> dict:
    """Active pairings and key households without a paired member (in ``area_code`` if given)."""
    pairings = _pairings_active()
    key = Household.objects.filter(tags__is_key=True)
    if area_code:
        pairings = pairings.filter(prefix_q("area_code", area_code))
        key = key.filter(prefix_q("area_code", area_code))
    unpaired = (
        key.filter(~Exists(_pairings_active().filter(household_id=OuterRef("pk"))))
        .values("pk")
        .distinct()
        .count()
    )
    return {"pairings_active": pairings.count(), "households_key_unpaired": unpaired}
