"""The five-star round end to end through its services and pages: anonymity of the peer step,
one public vote per phone, the notice period with frozen time, self-approval, order of steps."""

import datetime
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from wangge import testing
from wangge.accounts.models import Role, RoleAssignment
from wangge.assessment import stars
from wangge.assessment.models import (
    StarAward,
    StarObjection,
    StarPeerBallot,
    StarPeerTally,
    StarPublicVote,
    StarRound,
    StarStep,
)
from wangge.assessment.public import page_for
from wangge.audit.models import AuditEvent
from wangge.core import public as protections
from wangge.core.errors import DomainError
from wangge.core.stats import collect_stats


@pytest.fixture
def branch(regions, township_admin, secretary_a):
    members = [
        testing.make_member(area_code=testing.VILLAGE_A + "001", seq=n, name=name)
        for n, name in enumerate(["徐胜平", "汪大勇", "汪小红", "汪未读"], start=1)
    ]
    users = []
    for n, member in enumerate(members, start=1):
        user = testing.make_user(f"member-a{n}", Role.MEMBER, testing.VILLAGE_A)
        user.member = member
        user.save(update_fields=["member"])
        users.append(user)
    outsider = testing.make_member(area_code=testing.VILLAGE_B + "001", seq=50, name="郭大山")
    return {
        "members": members,
        "users": users,
        "org": members[0].organisation,
        "admin": township_admin,
        "secretary": secretary_a,
        "outsider": outsider,
    }


def _open(branch, year=2021, **kw) -> StarRound:
    return stars.round_open(actor=branch["secretary"], organisation=branch["org"], year=year, **kw)


def _to_step(branch, round_, step):
    while round_.step != step:
        if round_.step in (StarStep.SELF, StarStep.PEER, StarStep.PUBLIC):
            stars.round_advance(actor=branch["secretary"], round_=round_, expected=round_.step)
        elif round_.step == StarStep.PROPOSAL:
            stars.star_propose(
                actor=branch["secretary"],
                round_=round_,
                proposals={branch["members"][0].pk: stars.STAR_KINDS},
            )
        elif round_.step == StarStep.APPROVAL:
            stars.round_approve(actor=branch["admin"], round_=round_)
        round_.refresh_from_db()
    return round_


def test_self_evaluation_saved_and_step_order_enforced(branch):
    round_ = _open(branch)
    user = branch["users"][0]
    stars.star_self_evaluate(actor=user, round_=round_, kinds=["study", "service"], reason="带头")
    own = round_.self_evaluations.get(member=branch["members"][0])
    assert own.kinds == ["study", "service"]
    # A step out of order: proposing during self-evaluation, voting as a peer too early.
    with pytest.raises(DomainError, match="step"):
        stars.star_propose(actor=branch["secretary"], round_=round_, proposals={})
    with pytest.raises(DomainError):
        stars.star_peer_vote(actor=branch["users"][1], round_=round_, choices={})
    with pytest.raises(DomainError):
        stars.round_advance(actor=branch["secretary"], round_=round_, expected=StarStep.PEER)
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.SELF
    with pytest.raises(DomainError, match="reason"):
        stars.star_self_evaluate(actor=user, round_=round_, kinds=["study"], reason=" ")


def test_peer_votes_are_anonymous_one_ballot_and_quorum(branch, client):
    round_ = _open(branch, quorum_percent=75)
    round_ = _to_step(branch, round_, StarStep.PEER)
    target = branch["members"][0]
    voter = branch["users"][1]
    stars.star_peer_vote(actor=voter, round_=round_, choices={target.pk: ["study", "integrity"]})
    with pytest.raises(DomainError, match="already voted"):
        stars.star_peer_vote(actor=voter, round_=round_, choices={target.pk: ["study"]})
    with pytest.raises(DomainError, match="yourself"):
        stars.star_peer_vote(
            actor=branch["users"][2], round_=round_, choices={branch["members"][2].pk: ["study"]}
        )
    round_.refresh_from_db()
    assert round_.peer_ballots == 1
    assert not stars.peer_quorum_reached(round_)  # 1 of 3 needed (75 % of 4)
    # Nothing stored names the voter next to what they ticked: the ballot is a keyed hash with
    # no reference to the counts, the counts have no voter, and no audit row was written.
    ballot = StarPeerBallot.objects.get(round=round_)
    assert {f.name for f in StarPeerBallot._meta.concrete_fields} == {"id", "round", "voter_hash"}
    assert re.fullmatch(r"[0-9a-f]{40}", ballot.voter_hash)
    assert {f.name for f in StarPeerTally._meta.concrete_fields} == {
        "id",
        "round",
        "member",
        "kind",
        "votes",
    }
    assert not AuditEvent.objects.filter(actor=voter).exists()
    assert not round_.events.filter(actor=voter).exists()
    # No page or API shows who rated whom: the round page as the township sees it, and the API.
    client.force_login(branch["admin"])
    html = client.get(reverse("assessment:round_detail", args=[round_.pk])).content.decode()
    assert "member-a2" not in html and branch["members"][1].name in html  # listed as a member
    token = testing.api_token(branch["admin"])
    data = client.get(
        "/api/v1/star-ratings?year=2021", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert "voter" not in json.dumps(data) and "ballot" not in json.dumps(data)
    # Closing the peer step below the quorum says it does not count.
    event = stars.round_advance(actor=branch["secretary"], round_=round_, expected=StarStep.PEER)
    assert "quorum" in event.note.lower()


def test_public_vote_once_per_phone_per_year(branch, client, settings):
    round_ = _to_step(branch, _open(branch), StarStep.PUBLIC)
    member = branch["members"][0]
    stars.star_public_vote(round_=round_, member=member, phone="13900001111", rating="satisfied")
    with pytest.raises(DomainError, match="already rated"):
        stars.star_public_vote(round_=round_, member=member, phone="139 0000 1111", rating="basic")
    assert StarPublicVote.objects.count() == 1
    vote = StarPublicVote.objects.get()
    assert "13900001111" not in vote.phone_hash
    with pytest.raises(DomainError):
        stars.star_public_vote(round_=round_, member=member, phone="12345", rating="basic")


def _post_public(client, url, monkeypatch, **data):
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    question = re.search(r"(\d) \+ (\d) = \?", page)
    answer = int(question.group(1)) + int(question.group(2))
    monkeypatch.setitem(protections.DEFAULT_LIMITS, "min_seconds", 0)
    return client.post(url, {"token": token, "answer": str(answer), "website": "", **data})


def test_public_page_shows_no_private_data_and_takes_one_vote(branch, client, monkeypatch):
    round_ = _to_step(branch, _open(branch), StarStep.PUBLIC)
    member = branch["members"][0]
    page = page_for(member)
    url = reverse("member_public", args=[page.token])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert member.name in html and member.organisation.name in html
    for private in (member.id_number, member.phone, member.id_masked, member.phone_masked):
        assert private not in html
    assert str(member.birth_date.year) not in html
    done = _post_public(
        client, url, monkeypatch, action="vote", rating="satisfied", phone="13900002222"
    )
    assert done.status_code == 200 and StarPublicVote.objects.filter(round=round_).count() == 1
    again = _post_public(
        client, url, monkeypatch, action="vote", rating="basic", phone="13900002222"
    )
    assert again.status_code == 400
    assert "already rated" in again.content.decode()
    assert StarPublicVote.objects.filter(round=round_).count() == 1
    # Hidden pages and mobile members' pages answer 404; the id never reaches the page.
    member.is_mobile = True
    member.save(update_fields=["is_mobile"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("member_public", args=[str(member.pk)])).status_code == 404


def test_public_votes_are_rate_limited(branch, client, monkeypatch):
    _to_step(branch, _open(branch), StarStep.PUBLIC)
    url = reverse("member_public", args=[page_for(branch["members"][1]).token])
    monkeypatch.setitem(protections.DEFAULT_LIMITS, "vote_per_ip", (2, 3600))
    codes = [
        _post_public(
            client, url, monkeypatch, action="vote", rating="basic", phone=f"1390000{n:04d}"
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
    cache.clear()


def test_self_approval_refused_and_notice_period_with_objections(branch, client):
    round_ = _to_step(branch, _open(branch, notice_days=5), StarStep.APPROVAL)
    # The township officer is also the member the branch proposed: refused, nothing changes.
    officer = branch["users"][0]
    RoleAssignment.objects.create(user=officer, role=Role.TOWNSHIP_ADMIN, area_id=testing.TOWNSHIP)
    with pytest.raises(DomainError, match="approve"):
        stars.round_approve(actor=officer, round_=round_)
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.APPROVAL
    # Secretary is not the township: refused too.
    with pytest.raises(DomainError):
        stars.round_approve(actor=branch["secretary"], round_=round_)
    other = testing.make_user("township-admin-2", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        stars.round_approve(actor=other, round_=round_)
    round_.refresh_from_db()
    assert round_.step == StarStep.NOTICE
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        objection = stars.objection_raise(
            round_=round_, member=branch["members"][0], text="服务星依据不足", phone="13900003333"
        )
        with pytest.raises(DomainError, match="runs until"):
            stars.round_finalize(actor=other, round_=round_)
    with time_machine.travel(start + datetime.timedelta(days=6), tick=False):
        with pytest.raises(DomainError, match="no longer taken"):
            stars.objection_raise(round_=round_, text="too late")
        assert StarObjection.objects.count() == 1
        with pytest.raises(DomainError, match="open objections"):
            stars.round_finalize(actor=other, round_=round_)
        stars.objection_answer(actor=other, objection=objection, answer="经核实，符合标准。")
        stars.round_finalize(actor=other, round_=round_)
    round_.refresh_from_db()
    assert round_.step == StarStep.FINAL
    assert [e.step for e in round_.events.all()] == [
        "self",
        "peer",
        "public",
        "proposal",
        "approval",
        "notice",
        "final",
    ]
    assert stars.stars_by_year(branch["members"][0]) == {2021: stars.STAR_KINDS}
    stats = collect_stats(None, datetime.date(2026, 1, 1))
    assert stats["stars_by_kind"]["study"] == 1
    assert stats["public_member_pages"]["shown"] >= 4


def test_pages_for_member_and_secretary(branch, client):
    round_ = _open(branch)
    client.force_login(branch["users"][0])
    page = client.get(reverse("assessment:my_stars"))
    assert page.status_code == 200 and "self-form" in page.content.decode()
    response = client.post(
        reverse("assessment:self_evaluate", args=[round_.pk]),
        {"kinds": ["study", "service"], "reason": "按时走访联系户"},
    )
    assert response.status_code == 302
    assert round_.self_evaluations.get().kinds == ["study", "service"]
    response = client.post(
        reverse("assessment:my_page"), {"commitments": "帮助留守老人", "visibility": "shown"}
    )
    assert response.status_code == 302
    public = client.get(reverse("member_public", args=[page_for(branch["members"][0]).token]))
    assert "帮助留守老人" in public.content.decode()
    assert client.get(reverse("assessment:plate_png"))["Content-Type"] == "image/png"
    # A member cannot move the round; the secretary can; another village's secretary sees 404.
    client.post(
        reverse("assessment:round_act", args=[round_.pk]), {"action": "advance", "expected": "self"}
    )
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.SELF
    client.force_login(branch["secretary"])
    client.post(
        reverse("assessment:round_act", args=[round_.pk]), {"action": "advance", "expected": "self"}
    )
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.PEER
    other = testing.make_user("secretary-b", Role.VILLAGE_SECRETARY, testing.VILLAGE_B)
    client.force_login(other)
    assert client.get(reverse("assessment:round_detail", args=[round_.pk])).status_code == 404


def test_members_api_carries_public_url_unless_hidden(branch, client):
    token = testing.api_token(branch["admin"])
    hidden = branch["members"][1]
    page_for(hidden).__class__.objects.filter(member=hidden).update(visibility="hidden")
    items = client.get(
        "/api/v1/members?limit=50", headers={"Authorization": f"Bearer {token}"}
    ).json()["items"]
    by_id = {i["id"]: i for i in items}
    assert "/m/" in by_id[branch["members"][0].pk]["public_url"]
    assert "public_url" not in by_id[hidden.pk]
    round_ = _to_step(branch, _open(branch), StarStep.APPROVAL)
    StarAward.objects.filter(round=round_).count()
    data = client.get(
        "/api/v1/star-ratings?year=2021", headers={"Authorization": f"Bearer {token}"}
    ).json()
    first = next(i for i in data["items"] if i["member_id"] == branch["members"][0].pk)
    assert first["proposed_stars"] and first["stars"] == [] and first["step"] == "approval"
    assert all(i["member_id"] != branch["outsider"].pk for i in data["items"])


def test_round_through_the_pages_peer_ballot_proposal_approval_and_hiding(branch, client):
    round_ = _open(branch)
    stars.round_advance(actor=branch["secretary"], round_=round_, expected=StarStep.SELF)
    target = branch["members"][0]
    client.force_login(branch["users"][1])
    url = reverse("assessment:peer_ballot", args=[round_.pk])
    assert client.get(url).status_code == 200
    client.post(url, {f"m{target.pk}": ["study", "service"]})
    client.post(url, {f"m{target.pk}": ["integrity"]})  # a second ballot is refused
    round_.refresh_from_db()
    assert round_.peer_ballots == 1
    # Every counter exists from the first ballot: row order cannot tell what was ticked.
    assert StarPeerTally.objects.filter(round=round_).count() == 4 * 5
    votes = dict(
        StarPeerTally.objects.filter(round=round_, member=target).values_list("kind", "votes")
    )
    assert votes == {"study": 1, "performance": 0, "service": 1, "discipline": 0, "integrity": 0}
    # While the peer step is open, the round page shows no counts.
    client.force_login(branch["secretary"])
    detail = reverse("assessment:round_detail", args=[round_.pk])
    assert "Study star 1" not in client.get(detail).content.decode()
    act = reverse("assessment:round_act", args=[round_.pk])
    client.post(act, {"action": "advance", "expected": "peer"})
    client.post(act, {"action": "advance", "expected": "public"})
    client.post(act, {"action": "propose", f"m{target.pk}": ["study", "service"], "note": "拟定"})
    round_.refresh_from_db()
    assert round_.step == StarStep.APPROVAL
    assert sorted(StarAward.objects.values_list("kind", flat=True)) == ["service", "study"]
    # The secretary cannot approve; the township office sends it back without a note: refused.
    client.post(act, {"action": "approve"})
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.APPROVAL
    client.force_login(branch["admin"])
    response = client.post(act, {"action": "return", "note": ""}, follow=True)
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.APPROVAL
    assert "Say why" in response.content.decode()
    client.post(act, {"action": "approve", "note": "同意"})
    assert StarRound.objects.get(pk=round_.pk).step == StarStep.NOTICE
    criteria = reverse("assessment:criteria") + "?year=2021"
    texts = {k: f"{k} 标准" for k in stars.STAR_KINDS}
    assert client.post(criteria, {**texts, "year": "2021"}).status_code == 302
    assert stars.criteria_for(testing.TOWNSHIP, 2021)["study"] == "study 标准"
    # The member hides their page: the token no longer opens it.
    client.force_login(branch["users"][0])
    client.post(reverse("assessment:my_page"), {"commitments": "", "visibility": "hidden"})
    assert client.get(reverse("member_public", args=[page_for(target).token])).status_code == 404
