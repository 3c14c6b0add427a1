"""A township's rules and each member's cap (rules, own cap, age and mobile status)."""

import datetime

from wangge.core.identity import age_on
from wangge.pairing.models import MemberCap, PairingRules
from wangge.pairing.solver import Costs


def rules_for(township_code: str) -> PairingRules:
    """The township's saved rules, or the defaults (unsaved) when none were saved yet."""
    return PairingRules.objects.filter(township_code=township_code).first() or PairingRules(
        township_code=township_code
    )


def costs_of(rules: PairingRules) -> Costs:
    return Costs(
        group=rules.cost_group,
        hamlet=rules.cost_hamlet,
        village=rules.cost_village,
        other_village=rules.cost_other_village,
        allow_other_village=rules.allow_other_village,
    )


def caps_for(members, rules: PairingRules, today: datetime.date) -> dict[int, int]:
    """Cap per member id; ``members`` give ``pk``, ``birth_date`` and ``is_mobile``."""
    members = list(members)
    own = dict(
        MemberCap.objects.filter(member_id__in=[m.pk for m in members]).values_list(
            "member_id", "cap"
        )
    )
    return {
        m.pk: own[m.pk]
        if m.pk in own
        else rules.cap_for(age=age_on(m.birth_date, today), is_mobile=m.is_mobile)
        for m in members
    }


def cap_reason(member, rules: PairingRules, today: datetime.date, own: MemberCap | None) -> str:
    """A short code saying where a member's cap comes from (shown next to the number)."""
    if own is not None:
        return "own"
    if member.is_mobile:
        return "mobile"
    age = age_on(member.birth_date, today)
    if age >= rules.oldest_age:
        return "oldest"
    if age >= rules.older_age:
        return "older"
    return "default"
