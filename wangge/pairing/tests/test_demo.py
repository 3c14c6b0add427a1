"""The demo pairs every key household through the optimiser and gives member logins homes."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from wangge.accounts.models import User
from wangge.audit.models import AuditEvent
from wangge.households.models import Household
from wangge.pairing.models import Pairing, PairingProposal, PairingSource, ProposalStatus
from wangge.pairing.rules import caps_for, rules_for
from wangge.pairing.selectors import _pairings_active, household_ids_paired_with


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEMO_PASSWORD = "Demo-pass-2026"
    return settings


def test_demo_pairs_every_key_household(db, demo_settings):
    out = io.StringIO()
    call_command("demo", "--scale", "0.2", stdout=out)
    assert "households paired with members" in out.getvalue()
    key = Household.objects.filter(tags__is_key=True).distinct()
    assert key.count() > 500
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
    assert logins.count() == 30
    rules = rules_for("340827200")
    for user in logins.select_related("member"):
        n = household_ids_paired_with(user.member).count()
        cap = caps_for([user.member], rules, timezone.localdate())[user.member.pk]
        assert 1 <= n <= cap, (user.username, n, cap)
