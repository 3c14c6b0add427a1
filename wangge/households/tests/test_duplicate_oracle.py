"""Finding 8: the household form is no oracle on ID numbers outside the user's area."""

import datetime

import pytest
from django.urls import reverse

from wangge.audit.models import AuditEvent
from wangge.core.models import Notification
from wangge.households.models import Household
from wangge.testing import VILLAGE_A, VILLAGE_B, make_household, make_id

pytestmark = pytest.mark.django_db

GROUP_A = VILLAGE_A + "001001"
GROUP_B = VILLAGE_B + "001001"


def _create(client, id_number):
    return client.post(
        reverse("households:household_create"),
        {
            "head_name": "陈有福",
            "head_id_number": id_number,
            "address": "汪屋12号",
            "area": GROUP_A,
            "size": "4",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _error(response) -> str:
    return str(response.context["form"].errors["head_id_number"])


def test_other_villages_head_gets_the_same_answer_and_goes_to_the_township(
    client, secretary_a, township_admin, django_capture_on_commit_callbacks
):
    """GIVEN a head in village B and one in village A WHEN village A's secretary enters each
    one's ID number again THEN both answers are the same, neither names the other household or
    its village, and the township administrator is asked to resolve each duplicate."""
    elsewhere = make_household(area_code=GROUP_B, seq=7, head_name="郭秘密")
    at_home = make_household(area_code=GROUP_A, seq=8, head_name="汪本村")
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        outside = _create(client, elsewhere.head_id_number)
        inside = _create(client, at_home.head_id_number)
    assert outside.status_code == inside.status_code
    assert _error(outside) == _error(inside)
    page = outside.content.decode()
    where = reverse("households:household_detail", args=[elsewhere.pk])
    for secret in ("郭秘密", "太华", "郭屋", elsewhere.address, where):
        assert secret not in page
    assert "township office" in _error(outside)
    assert Household.objects.count() == 2

    inbox = Notification.objects.filter(user=township_admin).order_by("id")
    assert inbox.count() == 2
    assert inbox[0].link == reverse("households:household_detail", args=[elsewhere.pk])
    assert "郭秘密" not in inbox[0].body  # the admin opens the record; the message stays masked
    assert not Notification.objects.filter(user=secretary_a).exists()
    attempts = AuditEvent.objects.filter(action="household.duplicate_head", actor=secretary_a)
    assert sorted(attempts.values_list("object_id", flat=True)) == sorted(
        [str(elsewhere.pk), str(at_home.pk)]
    )


def test_a_new_id_number_is_simply_added(client, secretary_a, township_admin):
    client.force_login(secretary_a)
    response = _create(client, make_id(datetime.date(1950, 2, 2), 331))
    assert response.status_code == 302
    assert not Notification.objects.exists()
