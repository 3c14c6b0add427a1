"""Household pages as township staff use them."""

import datetime

import pytest
from django.urls import reverse

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.households.models import Household, Resident, Tag
from wangge.testing import VILLAGE_A, VILLAGE_B, make_household, make_id

pytestmark = pytest.mark.django_db

HAMLET_A = VILLAGE_A + "001"
GROUP_A = HAMLET_A + "001"


def _login(client, user):
    client.force_login(user)
    return client


def _form_data(**overrides):
    data = {
        "head_name": "陈有福",
        "head_id_number": make_id(datetime.date(1950, 2, 2), 331),
        "address": "汪屋12号",
        "area": GROUP_A,
        "phone": "0556-1234567",
        "size": "4",
        "note": "",
    }
    data.update(overrides)
    return data


def test_create_household_with_tags(client, secretary_a, tags):
    hardship = Tag.objects.get(slug="hardship")
    migrant = Tag.objects.get(slug="migrant")
    _login(client, secretary_a)
    response = client.post(
        reverse("households:household_create"), _form_data(tags=[hardship.pk, migrant.pk])
    )
    household = Household.objects.get(head_name="陈有福")
    assert response.status_code == 302
    assert response.url == reverse("households:household_detail", args=[household.pk])
    assert household.area_code == GROUP_A
    assert household.size == 4
    assert set(household.tags.values_list("slug", flat=True)) == {"hardship", "migrant"}
    assert AuditEvent.objects.filter(action="household.create").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"head_id_number": "34082719500202331X"}, "head_id_number", "last character"),
        ({"head_id_number": "3408271950"}, "head_id_number", "18 characters"),
        ({"phone": "12345"}, "phone", "11-digit mobile number"),
        ({"address": ""}, "address", "Enter the household"),
        ({"size": "0"}, "size", "between 1 and 30"),
        ({"area": VILLAGE_B + "001"}, "area", "Select a valid choice"),
    ],
)
def test_create_household_errors_in_plain_words(client, secretary_a, overrides, field, words):
    _login(client, secretary_a)
    response = client.post(
        reverse("households:household_create"),
        _form_data(**overrides),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert any(words in e for e in response.context["form"].errors[field])
    assert not Household.objects.exists()


def test_duplicate_head_id_is_refused(client, secretary_a):
    existing = make_household(area_code=GROUP_A, seq=5)
    _login(client, secretary_a)
    response = client.post(
        reverse("households:household_create"),
        _form_data(head_id_number=existing.head_id_number),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "already registered as the head of a household" in response.content.decode()
    assert Household.objects.count() == 1


def test_other_village_household_is_404(client, secretary_b):
    household = make_household(area_code=GROUP_A, seq=1)
    _login(client, secretary_b)
    for name in ("households:household_detail", "households:household_edit"):
        assert client.get(reverse(name, args=[household.pk])).status_code == 404
    edit = reverse("households:household_edit", args=[household.pk])
    assert client.post(edit, _form_data(version=1)).status_code == 404
    reveal = reverse("households:household_reveal", args=[household.pk])
    assert client.post(reveal, {"reason": "x"}).status_code == 404
    household.refresh_from_db()
    assert household.head_name == "李大毛"


def test_read_only_user_gets_403(client, regions):
    """A township leader reads the registry but does not edit it."""
    household = make_household(area_code=GROUP_A, seq=1)
    _login(client, testing.make_user("leader-a", Role.TOWNSHIP_LEADER, testing.VILLAGE_A))
    assert client.get(reverse("households:household_create")).status_code == 403
    assert client.post(reverse("households:household_create"), _form_data()).status_code == 403
    edit = reverse("households:household_edit", args=[household.pk])
    assert client.post(edit, _form_data(version=1)).status_code == 403
    assert not Household.objects.filter(head_name="陈有福").exists()


def test_edit_tags_and_keep_id(client, secretary_a, tags):
    household = make_household(area_code=GROUP_A, seq=2, tags=[tags[0]])
    full_id = household.head_id_number
    _login(client, secretary_a)
    url = reverse("households:household_edit", args=[household.pk])
    page = client.get(url).content.decode()
    assert full_id not in page
    assert household.head_id_masked in page
    migrant = Tag.objects.get(slug="migrant")
    response = client.post(
        url,
        _form_data(head_id_number="", phone="", tags=[migrant.pk], version=household.version),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_id_number == full_id
    assert household.phone == "13800000002"
    assert list(household.tags.values_list("slug", flat=True)) == ["migrant"]
    assert household.head_name == "陈有福"


def test_concurrent_edits_second_gets_conflict(client, secretary_a):
    household = make_household(area_code=GROUP_A, seq=3)
    _login(client, secretary_a)
    url = reverse("households:household_edit", args=[household.pk])
    base = _form_data(head_id_number="", phone="", version=household.version)
    assert client.post(url, {**base, "address": "第一次改"}).status_code == 302
    second = client.post(url, {**base, "address": "第二次改"}, HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 200
    assert "Someone else changed this household" in second.content.decode()
    household.refresh_from_db()
    assert household.address == "第一次改"


def test_detail_shows_residents_duplicates_and_never_full_id(client, secretary_a, secretary_b):
    household = make_household(area_code=GROUP_A, seq=4, head_name="赵大")
    Resident.objects.create(household=household, name="赵小", relation="子", id_masked="3408**")
    twin = make_household(area_code=GROUP_A, seq=40, head_name="赵大")
    Household.objects.filter(pk=twin.pk).update(address=household.address)
    _login(client, secretary_a)
    page = client.get(reverse("households:household_detail", args=[household.pk]))
    body = page.content.decode()
    assert "赵小" in body
    assert reverse("households:household_detail", args=[twin.pk]) in body
    assert household.head_id_number not in body
    assert "13800000004" not in body
    listing = client.get(reverse("households:household_list")).content.decode()
    assert household.head_id_number not in listing


def test_duplicates_outside_scope_are_not_shown(client, secretary_b):
    here = make_household(area_code=VILLAGE_B + "001", seq=4, head_name="赵大")
    there = make_household(area_code=GROUP_A, seq=40, head_name="赵大")
    Household.objects.filter(pk=there.pk).update(address=here.address)
    _login(client, secretary_b)
    body = client.get(reverse("households:household_detail", args=[here.pk])).content.decode()
    assert reverse("households:household_detail", args=[there.pk]) not in body


def test_reveal_is_audited(client, secretary_a):
    household = make_household(area_code=GROUP_A, seq=9)
    _login(client, secretary_a)
    url = reverse("households:household_reveal", args=[household.pk])
    response = client.post(url, testing.reveal_data(household.area_code, "核对身份"))
    assert household.head_id_number in response.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == secretary_a
    assert event.object_type == "households.household"
    assert event.detail["reason"] == "核对身份"


def test_reveal_audit_row_names_the_fields_and_the_reason(client, secretary_a):
    household = make_household(area_code=GROUP_A, seq=10)
    _login(client, secretary_a)
    url = reverse("households:household_reveal", args=[household.pk])
    body = client.post(
        url, testing.reveal_data(household.area_code, "核对低保"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert household.head_id_number in body
    assert "13800000010" in body
    event = AuditEvent.objects.get(action="reveal")
    assert event.object_id == str(household.pk)
    assert event.area_code == household.area_code
    assert event.detail == {
        "fields": ["head_id_number", "phone"],
        "purpose": "户籍核对",
        "reason": "核对低保",
    }


def test_list_search_filter_and_pagination(client, township_admin, tags):
    hardship = Tag.objects.get(slug="hardship")
    for seq in range(55):
        make_household(area_code=GROUP_A, seq=seq, head_name=f"甲{seq:02d}")
    make_household(area_code=VILLAGE_B + "001", seq=200, head_name="孙乙", tags=[hardship])
    _login(client, township_admin)
    url = reverse("households:household_list")
    first = client.get(url)
    assert first.context["page"].paginator.count == 56
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 6
    assert [h.head_name for h in client.get(url, {"q": "孙"}).context["page"]] == ["孙乙"]
    assert [h.head_name for h in client.get(url, {"tag": "hardship"}).context["page"]] == ["孙乙"]
    by_hamlet = client.get(url, {"area_code": HAMLET_A}).context["page"]
    assert by_hamlet.paginator.count == 55
    # The address search finds by address too.
    assert client.get(url, {"q": "郭屋"}).context["page"].paginator.count == 1


def test_list_query_count_is_bounded(client, township_admin, tags, django_assert_max_num_queries):
    for seq in range(30):
        make_household(area_code=GROUP_A, seq=seq, tags=tags[:2])
    _login(client, township_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("households:household_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["9" * 40, "abc"])
def test_create_with_a_tag_not_from_the_list_says_so(client, secretary_a, tags, value):
    _login(client, secretary_a)
    response = client.post(
        reverse("households:household_create"),
        _form_data(tags=[value]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Choose tags from the list." in response.content.decode()
    assert not Household.objects.exists()


def test_edit_with_a_tag_not_from_the_list_says_so(client, secretary_a, tags):
    household = make_household(area_code=GROUP_A, seq=12, tags=[tags[0]])
    _login(client, secretary_a)
    response = client.post(
        reverse("households:household_edit", args=[household.pk]),
        _form_data(tags=["9" * 40], head_name="改了名", version=household.version),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Choose tags from the list." in response.content.decode()
    household.refresh_from_db()
    assert household.head_name == "李大毛"
    assert list(household.tags.all()) == [tags[0]]
