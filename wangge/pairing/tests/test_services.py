"""Proposals, applying them, hand edits and the rules, through the real services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.core.errors import ConflictError, DomainError
from wangge.pairing.models import Pairing, PairingSource, ProposalStatus
from wangge.pairing.services import (
    compute_plan,
    member_cap_set,
    pairing_create,
    pairing_end,
    proposal_apply,
    proposal_create,
    rules_update,
)
from wangge.party.models import Member
from wangge.regions.models import Region

GROUP_A = testing.VILLAGE_A + "001001"
GROUP_A2 = testing.VILLAGE_A + "001002"
HAMLET_A2 = testing.VILLAGE_A + "002"


def _age(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, month=1, day=1)


@pytest.fixture
def village(regions, tags):
    """Village A: two groups in hamlet 1, a second hamlet; key (hardship) and ordinary homes."""
    Region.objects.create(code=GROUP_A2, name="汪屋二组", level="group", parent_id=GROUP_A[:15])
    Region.objects.create(code=HAMLET_A2, name="程屋", level="hamlet", parent_id=testing.VILLAGE_A)
    key = [t for t in tags if t.is_key][:1]
    homes = {
        "a1": testing.make_household(area_code=GROUP_A, seq=1, head_name="甲一", tags=key),
        "a2": testing.make_household(area_code=GROUP_A, seq=2, head_name="甲二", tags=key),
        "b1": testing.make_household(area_code=GROUP_A2, seq=3, head_name="乙一", tags=key),
        "plain": testing.make_household(area_code=GROUP_A, seq=4, head_name="普通"),
    }
    people = {
        "near": testing.make_member(area_code=GROUP_A, seq=11, name="近", birth=_age(50)),
        "far": testing.make_member(area_code=HAMLET_A2, seq=12, name="远", birth=_age(50)),
        "old": testing.make_member(area_code=GROUP_A2, seq=13, name="老", birth=_age(75)),
    }
    return homes, people


def _pairs():
    return {
        (p.member.name, p.household.head_name)
        for p in Pairing.objects.filter(ended_on__isnull=True).select_related("member", "household")
    }


def test_propose_apply_and_propose_again_keeps_everything(secretary_a, village):
    """GIVEN three key households and three members WHEN proposed and applied THEN every key
    household has its nearest member, one audit row is written, and a second run keeps all."""
    proposal = proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    assert (proposal.adds, proposal.ends, proposal.keeps, proposal.uncovered) == (3, 0, 0, 0)
    assert not Pairing.objects.exists()  # nothing changes before confirmation
    proposal_apply(actor=secretary_a, proposal=proposal)
    assert _pairs() == {("近", "甲一"), ("近", "甲二"), ("老", "乙一")}
    assert set(Pairing.objects.values_list("source", flat=True)) == {PairingSource.OPTIMISER}
    event = AuditEvent.objects.get(action="pairing.proposal_apply")
    assert event.detail == {"added": 3, "ended": 0, "kept": 0}
    again = proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    assert (again.adds, again.ends, again.keeps) == (0, 0, 3)
    with pytest.raises(ConflictError):
        proposal_apply(actor=secretary_a, proposal=proposal)  # applied once only


def test_caps_and_mobile_members(secretary_a, township_admin, village):
    _homes, people = village
    member_cap_set(actor=secretary_a, member=people["near"], cap=1, reason="体弱多病")
    plan = compute_plan(testing.VILLAGE_A)
    added = {(m, h) for m, h in plan["add"]}
    assert sum(1 for m, _h in added if m == people["near"].pk) == 1
    # The older member (cap 2 from age 70) takes the rest, as group/hamlet neighbours.
    assert sum(1 for m, _h in added if m == people["old"].pk) == 2
    proposal_apply(
        actor=secretary_a, proposal=proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    )
    # The older member becomes mobile: their pairings end, with the reason, and move.
    Member.objects.filter(pk=people["old"].pk).update(is_mobile=True, mobile_whereabouts="上海")
    proposal = proposal_create(actor=township_admin, area_code=testing.VILLAGE_A)
    assert proposal.ends == 2 and proposal.adds == 2 and proposal.keeps == 1
    proposal_apply(actor=township_admin, proposal=proposal)
    ended = Pairing.objects.filter(member=people["old"])
    assert all(p.ended_on and "mobile" in p.end_reason for p in ended) and ended.count() == 2
    pairs = _pairs()
    assert ("远", "乙一") in pairs and len(pairs) == 3
    assert sum(1 for m, _h in pairs if m == "近") == 1


def test_not_enough_capacity_is_explained(secretary_a, village):
    _homes, people = village
    for member in people.values():
        member_cap_set(actor=secretary_a, member=member, cap=0, reason="外出")
    member_cap_set(actor=secretary_a, member=people["far"], cap=1, reason="体弱")
    proposal = proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    assert proposal.uncovered == 2 and proposal.adds == 1
    (short,) = proposal.plan["shortfalls"]
    assert short["key_households"] == 3 and short["capacity"] == 1 and short["uncovered"] == 2


def test_stale_proposal_is_refused(secretary_a, village):
    homes, people = village
    proposal = proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    pairing_create(actor=secretary_a, member=people["far"], household=homes["plain"])
    with pytest.raises(ConflictError, match="changed"):
        proposal_apply(actor=secretary_a, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.STALE
    assert Pairing.objects.count() == 1


def test_scope_and_rights(secretary_b, member_a, village):
    with pytest.raises(PermissionDenied):
        proposal_create(actor=secretary_b, area_code=testing.VILLAGE_A)
    with pytest.raises(PermissionDenied):
        proposal_create(actor=member_a, area_code=testing.VILLAGE_A)
    with pytest.raises(ValidationError):
        proposal_create(actor=secretary_b, area_code=GROUP_A)  # not a village or township
    homes, people = village
    with pytest.raises(PermissionDenied):
        pairing_create(actor=secretary_b, member=people["near"], household=homes["a1"])


def test_hand_pairing_history_and_cap(secretary_a, village):
    homes, people = village
    pairing = pairing_create(actor=secretary_a, member=people["old"], household=homes["a1"])
    pairing_create(actor=secretary_a, member=people["old"], household=homes["a2"])
    with pytest.raises(DomainError, match="at most 2"):
        pairing_create(actor=secretary_a, member=people["old"], household=homes["b1"])
    with pytest.raises(DomainError, match="already paired"):
        pairing_create(actor=secretary_a, member=people["old"], household=homes["a2"])
    with pytest.raises(ValidationError):
        pairing_end(actor=secretary_a, pairing=pairing, reason=" ")
    pairing_end(actor=secretary_a, pairing=pairing, reason="搬迁")
    with pytest.raises(ConflictError):
        pairing_end(actor=secretary_a, pairing=pairing, reason="again")
    pairing.refresh_from_db()
    assert pairing.ended_by == secretary_a and pairing.end_reason == "搬迁"
    # Pairing the same two again starts a new row; the ended one stays as history.
    pairing_create(actor=secretary_a, member=people["old"], household=homes["a1"])
    assert Pairing.objects.filter(member=people["old"], household=homes["a1"]).count() == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"pairing.create", "pairing.end"} <= actions


def test_rules_edit(township_admin, secretary_a, village):
    with pytest.raises(PermissionDenied):
        rules_update(
            actor=secretary_a, township_code=testing.TOWNSHIP, expected_version=1, values={}
        )
    rules = rules_update(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        expected_version=1,
        values={"cap_default": 1, "allow_other_village": False},
    )
    assert rules.cap_default == 1 and rules.version == 1
    with pytest.raises(ValidationError):
        rules_update(
            actor=township_admin,
            township_code=testing.TOWNSHIP,
            expected_version=rules.version,
            values={"cost_hamlet": 50},
        )
    rules_update(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        expected_version=rules.version,
        values={"cap_default": 2},
    )
    with pytest.raises(ConflictError):
        rules_update(
            actor=township_admin,
            township_code=testing.TOWNSHIP,
            expected_version=rules.version,
            values={"cap_default": 3},
        )
    plan = compute_plan(testing.VILLAGE_A)
    assert len(plan["add"]) == 3


def test_township_proposal_pairs_across_villages_only_when_allowed(township_admin, village):
    """GIVEN a key household in village B, which has no members WHEN the township is proposed
    THEN a village A member takes it at the other-village cost; with crossing off, it is
    explained as a shortfall of village B."""
    key = village[0]["a1"].tags.all()
    lone = testing.make_household(
        area_code=testing.VILLAGE_B + "001001", seq=30, head_name="丙一", tags=key
    )
    proposal = proposal_create(actor=township_admin, area_code=testing.TOWNSHIP)
    assert proposal.uncovered == 0 and [lone.pk] == [
        h for _m, h in proposal.plan["add"] if h == lone.pk
    ]
    rules_update(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        expected_version=1,
        values={"allow_other_village": False},
    )
    closed = proposal_create(actor=township_admin, area_code=testing.TOWNSHIP)
    assert closed.plan["uncovered"] == [lone.pk]
    (short,) = closed.plan["shortfalls"]
    assert short["village"] == testing.VILLAGE_B and short["capacity"] == 0


def test_a_village_run_leaves_other_villages_pairings_alone(secretary_a, township_admin, village):
    _homes, people = village
    elsewhere = testing.make_household(area_code=testing.VILLAGE_B + "001001", seq=31)
    pairing_create(actor=township_admin, member=people["far"], household=elsewhere)
    Member.objects.filter(pk=people["far"].pk).update(is_mobile=True)
    plan = compute_plan(testing.VILLAGE_A)
    assert plan["end"] == []  # village B's pairing is not village A's to end


def test_a_changed_cap_or_rule_makes_the_proposal_stale(secretary_a, township_admin, village):
    _homes, people = village
    proposal = proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    member_cap_set(actor=secretary_a, member=people["near"], cap=0, reason="住院")
    with pytest.raises(ConflictError):
        proposal_apply(actor=secretary_a, proposal=proposal)
    proposal = proposal_create(actor=secretary_a, area_code=testing.VILLAGE_A)
    rules_update(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        expected_version=1,
        values={"cap_default": 3},
    )
    with pytest.raises(ConflictError):
        proposal_apply(actor=secretary_a, proposal=proposal)
    assert not Pairing.objects.exists()


def test_pairing_by_hand_across_villages_follows_the_rules(township_admin, village):
    """The optimiser's rule holds for a pairing made by hand (page or API) too."""
    key = village[0]["a1"].tags.all()
    lone = testing.make_household(
        area_code=testing.VILLAGE_B + "001001", seq=31, head_name="丙二", tags=key
    )
    member = village[1]["near"]
    rules_update(
        actor=township_admin,
        township_code=testing.TOWNSHIP,
        expected_version=1,
        values={"allow_other_village": False},
    )
    with pytest.raises(ValidationError) as refused:
        pairing_create(actor=township_admin, member=member, household=lone)
    assert "own village" in str(refused.value)
    assert not Pairing.objects.filter(household=lone).exists()
