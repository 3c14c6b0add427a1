"""Member pages as township staff use them."""

import datetime

import pytest
from django.urls import reverse

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.party.models import Member
from wangge.testing import VILLAGE_A, VILLAGE_B, make_id, make_member

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _form_data(**overrides):
    branch = testing.branch_for(VILLAGE_A, f"{VILLAGE_A}支部")
    data = {
        "name": "张红梅",
        "id_number": make_id(datetime.date(1958, 7, 9), 124),
        "phone": "13912345678",
        "organisation": branch.pk,
        "area": VILLAGE_A,
        "birth_date": "",
        "joined_on": "1985-07-01",
    }
    data.update(overrides)
    return data


def test_create_member_saves_and_redirects(client, secretary_a):
    _login(client, secretary_a)
    response = client.post(reverse("party:member_create"), _form_data())
    member = Member.objects.get(name="张红梅")
    assert response.status_code == 302
    assert response.url == reverse("party:member_detail", args=[member.pk])
    assert member.birth_date == datetime.date(1958, 7, 9)
    assert member.gender == "F"
    assert member.phone_masked == "139****5678"
    assert AuditEvent.objects.filter(action="member.create", object_id=str(member.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"id_number": "34082719580709124X"}, "id_number", "last character"),
        ({"phone": "1234567"}, "phone", "11-digit mobile"),
        ({"birth_date": "1960-01-01"}, "birth_date", "does not match the ID number"),
        ({"name": ""}, "name", "Enter the member"),
    ],
)
def test_create_member_errors_in_plain_words(client, secretary_a, overrides, field, words):
    _login(client, secretary_a)
    response = client.post(
        reverse("party:member_create"), _form_data(**overrides), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any(words in e for e in form.errors[field])
    assert words in response.content.decode()
    assert not Member.objects.exists()


def test_create_refuses_branch_outside_write_scope(client, secretary_a):
    other = testing.branch_for(VILLAGE_B, "太华支部")
    _login(client, secretary_a)
    response = client.post(reverse("party:member_create"), _form_data(organisation=other.pk))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Member.objects.exists()


def test_read_only_user_gets_403_on_create_and_edit(client, member_a):
    member = make_member(area_code=VILLAGE_A, seq=1)
    member_a.member = member  # a member reads their own record
    member_a.save(update_fields=["member"])
    _login(client, member_a)
    assert client.get(reverse("party:member_create")).status_code == 403
    assert client.post(reverse("party:member_create"), _form_data()).status_code == 403
    edit = reverse("party:member_edit", args=[member.pk])
    assert client.post(edit, _form_data(version=1)).status_code == 403
    member.refresh_from_db()
    assert member.name == "王建国"
    # They can still read it, without edit buttons.
    page = client.get(reverse("party:member_detail", args=[member.pk]))
    assert page.status_code == 200
    assert reverse("party:member_edit", args=[member.pk]) not in page.content.decode()


def test_other_village_member_is_404(client, secretary_b):
    member = make_member(area_code=VILLAGE_A, seq=1)
    _login(client, secretary_b)
    for name in ("party:member_detail", "party:member_edit"):
        assert client.get(reverse(name, args=[member.pk])).status_code == 404
    response = client.post(reverse("party:member_reveal", args=[member.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_edit_keeps_id_when_left_blank_and_never_shows_it(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=7)
    full_id = member.id_number
    _login(client, secretary_a)
    url = reverse("party:member_edit", args=[member.pk])
    page = client.get(url).content.decode()
    assert full_id not in page
    assert member.id_masked in page
    assert "13900000007" not in page
    data = _form_data(name="王建军", id_number="", phone="", version=member.version)
    data["organisation"] = member.organisation_id
    response = client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "王建军"
    assert member.id_number == full_id
    assert member.phone == "13900000007"
    assert member.version == 2


def test_concurrent_edits_second_gets_conflict_and_first_survives(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=3)
    _login(client, secretary_a)
    url = reverse("party:member_edit", args=[member.pk])
    base = _form_data(id_number="", phone="", version=member.version)
    base["organisation"] = member.organisation_id
    first = client.post(url, {**base, "name": "先改的"})
    assert first.status_code == 302
    second = client.post(url, {**base, "name": "后改的"}, HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 200
    assert "Someone else changed this member" in second.content.decode()
    member.refresh_from_db()
    assert member.name == "先改的"


def test_reveal_shows_full_numbers_once_and_is_audited(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=5)
    _login(client, secretary_a)
    detail = client.get(reverse("party:member_detail", args=[member.pk])).content.decode()
    listing = client.get(reverse("party:member_list")).content.decode()
    for page in (detail, listing):
        assert member.id_number not in page
        assert "13900000005" not in page
    assert member.id_masked in detail

    url = reverse("party:member_reveal", args=[member.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert not AuditEvent.objects.filter(action="reveal").exists()

    response = client.post(url, testing.reveal_data(member.area_code, "核实低保申请"))
    assert response.status_code == 200
    assert member.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == secretary_a
    assert event.object_id == str(member.pk)
    assert event.detail["reason"] == "核实低保申请"
    again = client.get(reverse("party:member_detail", args=[member.pk])).content.decode()
    assert member.id_number not in again


def test_reveal_fragment_for_htmx(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=6)
    _login(client, secretary_a)
    url = reverse("party:member_reveal", args=[member.pk])
    response = client.post(
        url, testing.reveal_data(member.area_code, "走访核对"), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert member.id_number in body
    assert "<html" not in body


def test_reveal_audit_row_names_the_fields_and_the_reason(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=7)
    _login(client, secretary_a)
    url = reverse("party:member_reveal", args=[member.pk])
    body = client.post(
        url, testing.reveal_data(member.area_code, "组织关系转接"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert member.id_number in body
    event = AuditEvent.objects.get(action="reveal")
    assert event.object_type == "party.member"
    assert event.object_id == str(member.pk)
    assert event.area_code == member.area_code
    assert event.detail == {
        "fields": ["id_number", "phone"],
        "purpose": "户籍核对",
        "reason": "组织关系转接",
    }


def test_read_only_user_cannot_reveal(client, member_a):
    member = make_member(area_code=VILLAGE_A, seq=8)
    member_a.member = member
    member_a.save(update_fields=["member"])
    _login(client, member_a)
    url = reverse("party:member_reveal", args=[member.pk])
    assert client.post(url, {"reason": "好奇"}).status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_list_search_filter_and_pagination(client, township_admin):
    for seq in range(60):
        make_member(area_code=VILLAGE_A, seq=seq, name=f"甲{seq:02d}")
    make_member(area_code=VILLAGE_B, seq=100, name="乙老人", birth=datetime.date(1940, 1, 1))
    _login(client, township_admin)
    url = reverse("party:member_list")

    first = client.get(url)
    assert first.context["page"].paginator.count == 61
    assert len(first.context["page"].object_list) == 50
    second = client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 11

    found = client.get(url, {"q": "乙老"})
    assert [m.name for m in found.context["page"]] == ["乙老人"]
    assert [m.name for m in client.get(url, {"age_band": "80plus"}).context["page"]] == ["乙老人"]
    by_village = client.get(url, {"area_code": VILLAGE_B}).context["page"]
    assert [m.name for m in by_village] == ["乙老人"]
    assert client.get(url, {"mobile": "1"}).context["page"].paginator.count == 0
    # Pagination links keep the filters.
    filtered = client.get(url, {"area_code": VILLAGE_A}).content.decode()
    assert f"area_code={VILLAGE_A}&amp;page=2" in filtered


def test_list_scoped_to_the_users_village(client, secretary_b):
    make_member(area_code=VILLAGE_A, seq=1, name="甲村人")
    make_member(area_code=VILLAGE_B, seq=2, name="乙村人")
    _login(client, secretary_b)
    names = [m.name for m in client.get(reverse("party:member_list")).context["page"]]
    assert names == ["乙村人"]


def test_list_query_count_is_bounded(client, township_admin, django_assert_max_num_queries):
    for seq in range(30):
        make_member(area_code=VILLAGE_A, seq=seq)
    _login(client, township_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("party:member_list"))
    assert response.status_code == 200


def test_list_and_new_button_follow_write_rights(client, secretary_a, member_a):
    new_url = reverse("party:member_create")
    _login(client, secretary_a)
    assert new_url in client.get(reverse("party:member_list")).content.decode()
    client.logout()
    _login(client, member_a)
    assert new_url not in client.get(reverse("party:member_list")).content.decode()


def test_switch_language_to_english(client, secretary_a):
    _login(client, secretary_a)
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": reverse("party:member_list")}
    )
    assert response.status_code == 302
    page = client.get(reverse("party:member_list")).content.decode()
    assert 'lang="en"' in page
    assert "Party members" in page


def test_reveal_without_reason_via_htmx_returns_the_form_with_its_error(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=9)
    _login(client, secretary_a)
    url = reverse("party:member_reveal", args=[member.pk])
    response = client.post(url, {"reason": ""}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "Say why you need to see the full ID number" in body
    assert member.id_number not in body
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_edit_can_remove_the_phone(client, secretary_a):
    member = make_member(area_code=VILLAGE_A, seq=11)
    _login(client, secretary_a)
    data = _form_data(id_number="", phone="", clear_phone="on", version=member.version)
    data["organisation"] = member.organisation_id
    response = client.post(reverse("party:member_edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == ""
    assert member.phone_masked == ""
