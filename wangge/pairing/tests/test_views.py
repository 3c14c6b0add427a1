"""The pairing pages: propose → diff → apply, hand edits, scope and rights."""

import pytest

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.pairing.models import Pairing, PairingProposal, PairingRules, ProposalStatus
from wangge.pairing.selectors import household_pairings
from wangge.pairing.services import pairing_create

GROUP_A = testing.VILLAGE_A + "001001"


@pytest.fixture
def data(regions, tags):
    key = [t for t in tags if t.is_key][:1]
    homes = [
        testing.make_household(area_code=GROUP_A, seq=i, head_name=f"重点户{i}", tags=key)
        for i in range(1, 4)
    ]
    members = [
        testing.make_member(area_code=GROUP_A, seq=10 + i, name=f"党员{i}") for i in range(2)
    ]
    return homes, members


def test_propose_diff_and_apply_through_the_pages(client, secretary_a, data):
    client.force_login(secretary_a)
    page = client.get("/pairing/")
    assert page.status_code == 200 and "Propose pairing" in page.content.decode()
    response = client.post("/pairing/propose/", {"area_code": testing.VILLAGE_A})
    proposal = PairingProposal.objects.get()
    assert response.status_code == 302 and response.url == f"/pairing/proposals/{proposal.pk}/"
    diff = client.get(response.url).content.decode()
    assert 'id="n-add">3<' in diff and "重点户1" in diff and "Apply this proposal" in diff
    assert not Pairing.objects.exists()
    applied = client.post(f"/pairing/proposals/{proposal.pk}/apply/", follow=True)
    assert "Applied: 3 paired, 0 ended, 0 kept." in applied.content.decode()
    assert Pairing.objects.filter(ended_on__isnull=True).count() == 3
    assert AuditEvent.objects.filter(action="pairing.proposal_apply").count() == 1
    unpaired = client.get("/pairing/unpaired/").content.decode()
    assert "Every key household has a member." in unpaired


def test_stale_proposal_is_refused_on_the_page(client, secretary_a, data):
    homes, members = data
    client.force_login(secretary_a)
    client.post("/pairing/propose/", {"area_code": testing.VILLAGE_A})
    proposal = PairingProposal.objects.get()
    pairing_create(actor=secretary_a, member=members[0], household=homes[0])
    page = client.post(f"/pairing/proposals/{proposal.pk}/apply/", follow=True)
    assert "The pairings changed after this proposal was computed" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.STALE and Pairing.objects.count() == 1


def test_pair_and_end_by_hand_keeps_history(client, secretary_a, data):
    homes, members = data
    client.force_login(secretary_a)
    household_page = client.get(f"/pairing/households/{homes[0].pk}/").content.decode()
    assert "党员0" in household_page  # offered as a member with room
    client.post(f"/pairing/households/{homes[0].pk}/pair/", {"member": members[0].pk})
    pairing = Pairing.objects.get()
    assert pairing.created_by == secretary_a
    client.post(f"/pairing/{pairing.pk}/end/", {"reason": "搬走了"})
    pairing.refresh_from_db()
    assert pairing.ended_on and pairing.ended_by == secretary_a and pairing.end_reason == "搬走了"
    history = client.get(f"/pairing/members/{members[0].pk}/").content.decode()
    assert "搬走了" in history and "重点户1" in history
    detail = client.get(f"/households/{homes[0].pk}/").content.decode()
    assert "No member is paired with this household." in detail


def test_other_village_gets_404_and_member_403(client, secretary_b, member_a, data, secretary_a):
    homes, members = data
    pairing = pairing_create(actor=secretary_a, member=members[0], household=homes[0])
    client.force_login(secretary_a)
    client.post("/pairing/propose/", {"area_code": testing.VILLAGE_A})
    proposal = PairingProposal.objects.get()
    client.force_login(secretary_b)
    for path in [
        f"/pairing/households/{homes[0].pk}/",
        f"/pairing/members/{members[0].pk}/",
        f"/pairing/proposals/{proposal.pk}/",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/pairing/{pairing.pk}/end/", {"reason": "x"}).status_code == 404
    assert client.post(f"/pairing/proposals/{proposal.pk}/apply/").status_code == 404
    assert client.post("/pairing/propose/", {"area_code": testing.VILLAGE_A}).status_code == 404
    # An ordinary member linked to the paired member reads their own pairing, changes nothing.
    member_a.member = members[0]
    member_a.save()
    client.force_login(member_a)
    mine = client.get("/pairing/mine/").content.decode()
    assert "重点户1" in mine
    assert client.get(f"/pairing/households/{homes[0].pk}/").status_code == 200
    assert client.get(f"/pairing/households/{homes[1].pk}/").status_code == 404
    assert client.post(f"/pairing/{pairing.pk}/end/", {"reason": "x"}).status_code == 403
    assert client.post("/pairing/propose/", {"area_code": testing.VILLAGE_A}).status_code == 403
    assert Pairing.objects.get().ended_on is None


def test_rules_page_for_the_township_admin_only(admin_client, client, secretary_a, regions):
    response = admin_client.get("/pairing/rules/")
    assert response.status_code == 200
    form = {
        "version": 1,
        "cap_default": 4,
        "older_age": 70,
        "cap_older": 2,
        "oldest_age": 80,
        "cap_oldest": 1,
        "cap_mobile": 0,
        "cost_group": 1,
        "cost_hamlet": 2,
        "cost_village": 3,
        "cost_other_village": 9,
    }
    admin_client.post("/pairing/rules/", form)
    rules = PairingRules.objects.get()
    assert rules.cap_default == 4 and rules.allow_other_village is False
    bad = admin_client.post(
        "/pairing/rules/", {**form, "version": rules.version, "cost_hamlet": 99}
    )
    assert "Nearer must cost less" in bad.content.decode()
    client.force_login(secretary_a)
    assert client.get("/pairing/rules/").status_code == 403


def test_member_loads_and_cap(client, secretary_a, data):
    homes, members = data
    client.force_login(secretary_a)
    client.post(f"/pairing/members/{members[0].pk}/cap/", {"cap": "1", "reason": "腿脚不便"})
    page = client.get("/pairing/members/").content.decode()
    assert "own cap" in page and "党员0" in page
    client.post(f"/pairing/households/{homes[0].pk}/pair/", {"member": members[0].pk})
    refused = client.post(
        f"/pairing/households/{homes[1].pk}/pair/", {"member": members[0].pk}, follow=True
    )
    assert "may carry at most 1" in refused.content.decode()


def test_lists_take_the_same_queries_for_more_rows(
    client, secretary_a, data, django_assert_max_num_queries
):
    homes, _members = data
    client.force_login(secretary_a)
    for path in ("/pairing/members/", "/pairing/unpaired/", "/pairing/"):
        client.get(path)  # warm the session
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200
    for i in range(10):
        testing.make_member(area_code=GROUP_A, seq=40 + i, name=f"新党员{i}")
        testing.make_household(area_code=GROUP_A, seq=60 + i, tags=homes[0].tags.all())
    for path in ("/pairing/members/", "/pairing/unpaired/", "/pairing/"):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200


def test_village_summary_counts_every_key_household(secretary_a, data):
    """Three key households, one paired: the overview's row says 3 key, 2 unpaired, 1 pairing
    (a DISTINCT with the model's ordering once split every household into its own group)."""
    from wangge.pairing.selectors import village_summary

    homes, members = data
    pairing_create(actor=secretary_a, member=members[0], household=homes[0])
    rows = village_summary(secretary_a)
    assert [(r["code"], r["key"], r["unpaired"], r["pairings"]) for r in rows] == [
        (testing.VILLAGE_A, 3, 2, 1)
    ]


def test_household_pairings_follow_the_viewers_scope(secretary_a, secretary_b, data):
    """The household page's "Paired members" card reads through the viewer's scope."""
    homes, members = data
    pairing_create(actor=secretary_a, member=members[0], household=homes[0])
    assert [p.member.name for p in household_pairings(secretary_a, homes[0])] == ["党员0"]
    assert not household_pairings(secretary_b, homes[0]).exists()
