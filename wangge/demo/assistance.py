"""Demo review of the 2021 flags and the assistance that followed (精准帮扶), through the same
services the village secretaries use:

- every raised flag is reviewed by its village's secretary: the refunded bills dismissed with a
  reason, the rest accepted (the household takes the rule's tag, a plan opens with the paired
  member responsible);
- each plan gets steps with owners and due dates; most close with an outcome: the nine 大病
  families the civil-affairs office took onto 低保 in 2021 close as 纳入低保 and the one whose
  support went up as 低保提档, others with 医疗救助, 临时救助 or 就业帮扶; the rest stay open
  with steps due, so the members and secretaries have work in hand;
- households on the agencies' low-income and extreme-hardship rolls carry those tags.

Runs after the agency files, the pairing and the visits; idempotent only on an empty review.
"""

import datetime
import random

from django.utils import timezone

from wangge.accounts.models import User
from wangge.assistance.models import Outcome, Plan, StepStatus
from wangge.assistance.services import plan_close, step_add, step_set_status
from wangge.flags.models import AgencyRecord, Flag, FlagStatus, MatchStatus, SourceKind
from wangge.flags.services import flag_accept, flag_dismiss
from wangge.households.models import Household
from wangge.households.services import household_tags_change
from wangge.regions.codes import village_of

DISMISS_REASONS = [
    "住院费用已由商业保险报销，家庭经济状况正常",
    "经入户核实，费用已获单位补充医疗报销，无需帮扶",
]
# (title, measure, days after opening) per outcome; the last step carries the decision.
STEPS = {
    Outcome.DIBAO_NEW: [
        ("入户核查家庭收入和支出", "daily_care", 3),
        ("协助提交低保申请材料", "policy_aid", 10),
    ],
    Outcome.DIBAO_RAISED: [
        ("入户核查病后家庭收入变化", "daily_care", 3),
        ("申请低保提档", "policy_aid", 10),
    ],
    Outcome.MEDICAL_AID: [
        ("整理住院费用票据", "medical", 5),
        ("申请医疗救助", "medical", 14),
    ],
    Outcome.TEMPORARY_AID: [
        ("了解家庭近期困难", "daily_care", 3),
        ("申请临时救助金", "policy_aid", 14),
    ],
    Outcome.EMPLOYMENT: [
        ("了解家庭劳动力情况", "daily_care", 5),
        ("推荐公益性岗位或就业培训", "employment", 21),
    ],
    None: [
        ("入户了解家庭需求", "daily_care", 7),
        ("商定帮扶措施", "policy_aid", 21),
    ],
}
RULE_OUTCOMES = {  # outcomes by rule for the closed plans, in turn
    "severe_illness": [Outcome.MEDICAL_AID, Outcome.TEMPORARY_AID],
    "extreme_hardship": [Outcome.TEMPORARY_AID],
    "severe_disability": [Outcome.EMPLOYMENT, Outcome.TEMPORARY_AID],
    "monitored": [Outcome.TEMPORARY_AID],
}
OPEN_SHARE = 0.25  # plans left open, with steps due


def _dibao_moves(township_code: str) -> tuple[set[int], set[int], set[int]]:
    """(households first on 低保 in 2021, raised in 2021, on the 2020 roll) from the lists."""
    history: dict[int, list[tuple]] = {}
    for household_id, day, category, amount in AgencyRecord.objects.filter(
        kind=SourceKind.CIVIL_AFFAIRS_DIBAO,
        active=True,
        match_status=MatchStatus.MATCHED,
        township_code=township_code,
        record_date__isnull=False,
    ).values_list("household_id", "record_date", "category", "amount"):
        history.setdefault(household_id, []).append((day, category, amount))
    new, raised, old = set(), set(), set()
    for household_id, rows in history.items():
        rows.sort()
        if rows[0][0].year == 2021:
            new.add(household_id)
        else:
            old.add(household_id)
            if any(r[0].year == 2021 and (r[1], r[2]) != (rows[0][1], rows[0][2]) for r in rows):
                raised.add(household_id)
    return new, raised, old


def _secretaries() -> dict[str, User]:
    return {
        u.username.removeprefix("secretary-"): u
        for u in User.objects.filter(username__startswith="secretary-")
    }


def _steps(*, actor, plan: Plan, outcome, opened: datetime.date, done: bool) -> None:
    for title, measure, days in STEPS[outcome]:
        step = step_add(
            actor=actor,
            plan=plan,
            title=title,
            measure=measure,
            due_date=opened + datetime.timedelta(days=days),
        )
        if done:
            step_set_status(actor=actor, step=step, status=StepStatus.DONE, note="已完成")


def assistance_demo_load(*, township_code: str, seed: int) -> dict:
    rng = random.Random(f"{seed}:assistance")
    today = timezone.localdate()
    secretaries = _secretaries()
    admin = User.objects.get(username="township-admin")
    new, raised, old = _dibao_moves(township_code)
    counts = {"accepted": 0, "dismissed": 0, "closed": 0, "open": 0}

    flags = list(
        Flag.objects.filter(township_code=township_code, status=FlagStatus.RAISED)
        .select_related("rule", "household")
        .order_by("rule__slug", "pk")
    )
    # The refunded bills: 大病 flags on households that are on no other list and hold a
    # single hospital settlement (the demo's insurer-refunded cases).
    single = {
        f.pk
        for f in flags
        if f.rule.slug == "severe_illness"
        and len(f.evidence) == 1
        and f.household_id not in new | raised | old
    }
    turn = {slug: 0 for slug in RULE_OUTCOMES}
    for flag in flags:
        actor = secretaries.get(village_of(flag.area_code) or "", admin)
        if flag.pk in single:
            flag_dismiss(actor=actor, flag=flag, reason=rng.choice(DISMISS_REASONS))
            counts["dismissed"] += 1
            continue
        plan = flag_accept(actor=actor, flag=flag)
        counts["accepted"] += 1
        household = flag.household_id
        if household in new and flag.rule.slug == "severe_illness":
            outcome = Outcome.DIBAO_NEW
        elif household in raised and flag.rule.slug == "severe_illness":
            outcome = Outcome.DIBAO_RAISED
        elif rng.random() < OPEN_SHARE:
            outcome = None
        else:
            options = RULE_OUTCOMES.get(flag.rule.slug, [Outcome.TEMPORARY_AID])
            outcome = options[turn.get(flag.rule.slug, 0) % len(options)]
            turn[flag.rule.slug] = turn.get(flag.rule.slug, 0) + 1
        _steps(actor=actor, plan=plan, outcome=outcome, opened=today, done=outcome is not None)
        if outcome is None:
            counts["open"] += 1
            continue
        plan_close(actor=actor, plan=plan, expected_version=plan.version, outcome_kind=outcome)
        counts["closed"] += 1

    # The low-income and extreme-hardship rolls, reflected in the registry's tags.
    rolls = {
        "low_income": old,
        "extreme_hardship": set(
            AgencyRecord.objects.filter(
                kind=SourceKind.CIVIL_AFFAIRS_TEKUN,
                active=True,
                match_status=MatchStatus.MATCHED,
                township_code=township_code,
            ).values_list("household_id", flat=True)
        ),
    }
    tagged = 0
    for slug, households in rolls.items():
        for household in Household.objects.filter(pk__in=households).exclude(tags__slug=slug):
            changed = household_tags_change(
                actor=admin,
                household=household,
                add=[slug],
                reason="与2021年民政名册核对一致",
                source="demo.agency_rolls",
            )
            tagged += bool(changed)
    counts["tags_aligned"] = tagged
    return counts
