"""The back office opens for administrators and never shows full ID numbers."""

import pytest
from django.urls import reverse

from wangge.accounts.models import User
from wangge.audit.models import AuditEvent
from wangge.testing import VILLAGE_A, make_household, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, regions):
    user = User.objects.create_superuser("root", "root@example.org", "Root-pass-2026")
    client.force_login(user)
    return client


def test_every_changelist_and_change_page_opens(superuser_client, tags):
    member = make_member(area_code=VILLAGE_A, seq=1)
    household = make_household(area_code=VILLAGE_A + "001", seq=2)
    pages = [
        ("regions", "region", VILLAGE_A),
        ("party", "organisation", member.organisation_id),
        ("party", "member", member.pk),
        ("households", "tag", tags[0].pk),
        ("households", "household", household.pk),
        ("accounts", "user", User.objects.get(username="root").pk),
        ("audit", "auditevent", AuditEvent.objects.first().pk),
    ]
    for app, model, pk in pages:
        listing = superuser_client.get(reverse(f"admin:{app}_{model}_changelist"))
        assert listing.status_code == 200, (app, model)
        change = superuser_client.get(reverse(f"admin:{app}_{model}_change", args=[pk]))
        assert change.status_code == 200, (app, model)
        for body in (listing.content.decode(), change.content.decode()):
            assert member.id_number not in body
            assert household.head_id_number not in body


def test_audit_events_cannot_be_changed_or_deleted(superuser_client):
    event = AuditEvent.objects.create(action="test", hash="x" * 64)
    url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_ordinary_staff_cannot_open_the_back_office(client, secretary_a):
    client.force_login(secretary_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
