"""Issue 15, finding 5: a full ID number is revealed only for a purpose on the township's list
and with real words saying which case."""

import pytest
from django.urls import reverse

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.core.models import RevealPurpose
from wangge.core.reveal import purposes_for_area


@pytest.fixture
def household(regions):
    return testing.make_household(area_code=testing.VILLAGE_A + "001", seq=31)


@pytest.mark.parametrize(
    "reason", ["\u200b", ".", "\u200b\u200b\u200b\u200b\u200b", "。。 ！", "a b"]
)
def test_reveal_refuses_empty_reasons(client, secretary_a, household, reason):
    client.force_login(secretary_a)
    url = reverse("households:household_reveal", args=[household.pk])
    response = client.post(url, testing.reveal_data(household.area_code, reason))
    assert response.status_code == 400
    assert "at least 4 characters" in response.content.decode()
    assert household.head_id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_needs_a_purpose_of_the_township(client, secretary_a, household):
    client.force_login(secretary_a)
    url = reverse("households:household_reveal", args=[household.pk])
    missing = client.post(url, {"reason": "核对低保材料"})
    assert missing.status_code == 400
    assert "Choose what the full number is needed for" in missing.content.decode()
    foreign = RevealPurpose.objects.create(township_code="340827201", name="别乡的用途")
    other = client.post(url, {"purpose": foreign.pk, "reason": "核对低保材料"})
    assert other.status_code == 400
    assert not AuditEvent.objects.filter(action="reveal").exists()

    ok = client.post(url, testing.reveal_data(household.area_code, "王大妈低保年审", code="dibao"))
    assert household.head_id_number in ok.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.detail["purpose"] == "办理低保"
    assert event.detail["reason"] == "王大妈低保年审"


def test_default_purposes_are_seeded_per_township(regions):
    names = list(purposes_for_area(testing.VILLAGE_A).values_list("name", flat=True))
    for name in ("联系农户", "办理低保", "医保报销", "户籍核对"):
        assert name in names


def test_township_office_maintains_the_list(client, township_admin, secretary_a):
    client.force_login(township_admin)
    page = client.get("/reveal-purposes/").content.decode()
    assert "医保报销" in page
    client.post("/reveal-purposes/", {"name": "残疾人补贴"})
    added = RevealPurpose.objects.get(name="残疾人补贴")
    assert added.township_code == testing.TOWNSHIP and added.active
    medical = RevealPurpose.objects.get(township_code=testing.TOWNSHIP, code="medical")
    client.post(f"/reveal-purposes/{medical.pk}/active/", {"active": "0"})
    assert not RevealPurpose.objects.get(pk=medical.pk).active
    assert "医保报销" not in [p.name for p in purposes_for_area(testing.VILLAGE_A)]
    contact = RevealPurpose.objects.get(township_code=testing.TOWNSHIP, code="contact")
    client.post(f"/reveal-purposes/{contact.pk}/active/", {"active": "0"})
    assert RevealPurpose.objects.get(pk=contact.pk).active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"reveal_purpose.add", "reveal_purpose.disable"} <= actions

    client.force_login(secretary_a)
    assert client.get("/reveal-purposes/").status_code == 403
    assert client.post("/reveal-purposes/", {"name": "随便看看"}).status_code == 403
