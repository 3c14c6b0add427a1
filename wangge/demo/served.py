"""泊湖社区's residents served as the report gives them: 97 Party members serving 377 residents.

Residents served are the people of the households the branch's members visited or whose
requests they handled (``assessment.public.residents_served``). The community is built for the
figure (its members all at home, each carrying a household, few households in its groups);
which households its requests come from is left to the requests' own draw, so once visits and
requests are made the sizes of the households served are set, a person more or fewer here and
there, to hold the report's 377 people. Only the full-scale demo does this: a smaller one has
too few households for the figure.
"""

import random

from wangge.assessment.public import residents_served, served_households
from wangge.demo import vocabulary as V
from wangge.households.models import Household
from wangge.party.models import Member

SIZES = range(1, 7)  # the demo's household sizes


def bohu_served_demo_load(*, seed: int, scale: float) -> dict:
    """Fit the sizes of the households 泊湖's members served to the report's figure."""
    members = Member.objects.filter(organisation__area_code=V.BOHU)
    fitted = 0
    if scale == 1:
        households = list(served_households(members).order_by("pk").only("pk", "size"))
        target = V.BOHU_RESIDENTS_SERVED
        if len(households) * SIZES[0] <= target <= len(households) * SIZES[-1]:
            fitted = _fit_sizes(random.Random(f"{seed}:served"), households, target)
    return {**residents_served(members), "people_added": fitted}


def _fit_sizes(rng: random.Random, households: list[Household], target: int) -> int:
    """Add or take one person at a time over the households, in a shuffled order; returns
    the people added (taken, when negative)."""
    rng.shuffle(households)
    delta = fitted = target - sum(h.size for h in households)
    step = 1 if delta > 0 else -1
    changed = {}
    while delta:
        for household in households:
            if household.size + step in SIZES:
                household.size += step
                changed[household.pk] = household
                delta -= step
                if not delta:
                    break
    Household.objects.bulk_update(list(changed.values()), ["size"], batch_size=500)
    return fitted
