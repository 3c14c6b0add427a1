"""A visit's needs become a request in one step, routed to the household's grid, once."""

import datetime

import pytest
from django.utils import timezone

from wangge.appeals.models import Appeal, Channel
from wangge.pairing.models import Pairing
from wangge.visits.models import Visit
from wangge.visits.services import visit_log

pytestmark = pytest.mark.django_db


def _visit(world, needs="家里自来水停了三天，请帮忙联系修理"):
    member, user = world.members[4], world.users[4]
    pairing = Pairing(
        member=member, household=world.household, started_on=datetime.date(2026, 1, 5)
    )
    pairing.set_area(world.household.area)
    pairing.save()
    visit, _created = visit_log(
        actor=user, household=world.household, visited_on=timezone.localdate(), needs=needs
    )
    return visit


def test_member_turns_needs_into_a_request_from_the_visit_page(client, world):
    visit = _visit(world)
    client.force_login(world.users[4])
    page = client.get(f"/visits/{visit.pk}/").content.decode()
    assert "needs-to-request" in page
    response = client.post(
        f"/requests/from-visit/{visit.pk}/", {"category": world.categories["water"].pk}
    )
    request = Appeal.objects.get()
    assert response["Location"] == f"/requests/{request.pk}/"
    assert request.channel == Channel.VISIT
    assert request.text == visit.needs and request.household == world.household
    assert request.category.slug == "water"
    # Routed to the first responsible person of the household's L4 grid.
    assert request.assignee_member == world.members[4] and request.level == 4
    visit.refresh_from_db()
    assert visit.need_request_id == request.pk
    # The visit page now links to the request instead of offering the button again.
    page = client.get(f"/visits/{visit.pk}/").content.decode()
    assert "needs-to-request" not in page and f"/requests/{request.pk}/" in page
    # A second tap gives the same request.
    again = client.post(f"/requests/from-visit/{visit.pk}/", {})
    assert again["Location"] == f"/requests/{request.pk}/"
    assert Appeal.objects.count() == 1


def test_a_visit_without_needs_cannot_become_a_request(client, world):
    visit = _visit(world, needs="")
    client.force_login(world.users[4])
    response = client.post(f"/requests/from-visit/{visit.pk}/", {}, follow=True)
    assert "recorded no needs" in response.content.decode()
    assert not Appeal.objects.exists()


def test_another_village_gets_404(client, world, secretary_b):
    visit = _visit(world)
    client.force_login(secretary_b)
    assert client.post(f"/requests/from-visit/{visit.pk}/", {}).status_code == 404
    assert not Appeal.objects.exists()
    assert Visit.objects.get().need_request_id is None


def test_api_turns_needs_into_a_request_once(client, world):
    visit = _visit(world)
    client.force_login(world.users[4])
    url = f"/api/v1/requests/from-visit/{visit.pk}"
    first = client.post(url, {"category_id": world.categories["water"].pk}, "application/json")
    assert first.status_code == 201
    body = first.json()
    assert body["channel"] == "visit" and body["text"] == visit.needs
    again = client.post(url, {}, "application/json")
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert Appeal.objects.count() == 1


def test_api_refuses_a_visit_without_needs(client, world):
    visit = _visit(world, needs="")
    client.force_login(world.users[4])
    response = client.post(f"/api/v1/requests/from-visit/{visit.pk}", {}, "application/json")
    assert response.status_code == 400
    assert "no needs" in response.json()["message"]
