"""The demo pairs every key household through the optimiser and gives member logins homes."""

from django.utils import timezone

from wangge.accounts.models import User
from wangge.audit.models import AuditEvent
from wangge.demo import vocabulary as V
from wangge.households.models import Household
from wangge.pairing.models import Pairing, PairingProposal, PairingSource, ProposalStatus
from wangge.pairing.rules import caps_for, rules_for
from wangge.pairing.selectors import _pairings_active, household_ids_paired_with


def check_pairs_every_key_household(output: str):
    assert "households paired with members" in output
    key = Household.objects.filter(tags__is_key=True).distinct()
    assert key.count() > 350  # 4,164 in the full demo
    assert not key.exclude(pk__in=_pairings_active().values("household_id")).exists()
    proposal = PairingProposal.objects.get()
    assert proposal.status == ProposalStatus.APPLIED and proposal.uncovered == 0
    assert AuditEvent.objects.filter(action="pairing.proposal_apply").count() == 1
    # Mobile members' old pairings were ended by the optimiser, and kept as history.
    ended = Pairing.objects.filter(ended_on__isnull=False)
    assert ended.exists() and all(p.end_reason for p in ended)
    assert _pairings_active().filter(source=PairingSource.OPTIMISER).exists()
    # Every member login has homes to visit, within its cap.
    logins = User.objects.filter(username__startswith="member-", member__isnull=False)
    # Three per village in the full demo; a small build has fewer ordinary members to link.
    assert {u.username.split("-")[1] for u in logins} == {v[0] for v in V.VILLAGES}
    rules = rules_for("340827200")
    for user in logins.select_related("member"):
        n = household_ids_paired_with(user.member).count()
        cap = caps_for([user.member], rules, timezone.localdate())[user.member.pk]
        assert 1 <= n <= cap, (user.username, n, cap)
