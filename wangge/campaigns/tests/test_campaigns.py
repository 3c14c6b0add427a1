"""A visit campaign: opinions collected during visits, categorised by staff, counted."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from wangge import testing
from wangge.accounts.tokens import token_issue
from wangge.campaigns.models import Campaign, Opinion
from wangge.campaigns.services import campaign_create, category_create, opinion_categorise
from wangge.regions.models import Region


@pytest.fixture
def campaign(world, township_admin):
    today = timezone.localdate()
    return campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="千名党员大走访",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=20),
    )


@pytest.fixture
def categories(township_admin, world):
    return [
        category_create(actor=township_admin, township_code=testing.TOWNSHIP, name=name)
        for name in ("道路交通", "医疗保障", "产业发展")
    ]


def _log(client, household, **extra):
    page = client.get(f"/visits/log/{household.pk}/")
    data = {
        "household": household.pk,
        "visited_on": timezone.localdate().isoformat(),
        "kind": "routine",
        "client_key": page.context["form"].initial["client_key"],
        **extra,
    }
    return page, client.post(f"/visits/log/{household.pk}/", data)


def test_the_visit_form_asks_for_an_opinion_while_a_campaign_runs(client, world, campaign):
    client.force_login(world["user"])
    page, response = _log(client, world["plain"], opinion="村口道路坑洼，希望修路")
    assert "opinion" in page.context["form"].fields
    assert 'class="campaign-note"' in page.content.decode()
    assert "千名党员大走访" in page.content.decode()
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.campaign == campaign and opinion.visit.campaign == campaign
    assert opinion.area_code == world["plain"].area_code and opinion.category is None


def test_no_opinion_field_outside_a_campaign(client, world, township_admin):
    client.force_login(world["user"])
    page, _response = _log(client, world["plain"], opinion="ignored")
    assert "opinion" not in page.context["form"].fields
    assert not Opinion.objects.exists()


def test_categorise_and_count(client, world, campaign, categories, secretary_a, secretary_b):
    client.force_login(world["user"])
    _log(client, world["plain"], opinion="修路")
    _log(client, world["hardship"], opinion="看病报销慢")
    road, medical, _industry = categories
    first, second = Opinion.objects.order_by("id")
    client.force_login(secretary_a)
    r = client.post(f"/campaigns/opinions/{first.pk}/category/", {"category": road.pk})
    assert r.status_code == 302
    opinion_categorise(actor=secretary_a, opinion=second, category=medical)
    counts = client.get(f"/campaigns/{campaign.pk}/").context["counts"]
    assert counts["opinions"] == 2 and counts["uncategorised"] == 0
    assert counts["members_visited"] == 1 and counts["households_visited"] == 2
    assert [(c.name, n) for c, n in counts["by_category"]] == [
        ("道路交通", 1),
        ("医疗保障", 1),
        ("产业发展", 0),
    ]
    assert counts["by_village"] == [(testing.VILLAGE_A, "湖滨村委会", 2)]
    filtered = client.get(f"/campaigns/{campaign.pk}/opinions/?category={road.pk}")
    assert [o.text for o in filtered.context["page"]] == ["修路"]
    # Another village's secretary sees the campaign but none of village A's opinions.
    client.force_login(secretary_b)
    assert client.get(f"/campaigns/{campaign.pk}/").context["counts"]["opinions"] == 0
    assert client.post(f"/campaigns/opinions/{first.pk}/category/", {}).status_code == 404
    with pytest.raises(PermissionDenied):
        opinion_categorise(actor=world["user"], opinion=first, category=None)


def test_categories_are_editable_by_the_township_office(admin_client, world, categories):
    r = admin_client.post("/campaigns/categories/", {"name": "人居环境"})
    assert r.status_code == 302
    admin_client.post("/campaigns/categories/", {"category": categories[0].pk, "name": "交通出行"})
    names = [c.name for c in admin_client.get("/campaigns/categories/").context["categories"]]
    assert names == ["交通出行", "医疗保障", "产业发展", "人居环境"]
    with pytest.raises(ValidationError):
        category_create(
            actor=admin_client.get("/campaigns/categories/").wsgi_request.user,
            township_code=testing.TOWNSHIP,
            name="医疗保障",
        )


def test_campaign_pages_and_creation(admin_client, world):
    page = admin_client.get("/campaigns/new/")
    assert page.status_code == 200
    r = admin_client.post(
        "/campaigns/new/",
        {
            "name": "夏季走访",
            "area": testing.VILLAGE_A,
            "starts_on": "2026-06-01",
            "ends_on": "2026-05-01",
        },
    )
    assert r.status_code == 200 and "end on or after" in r.content.decode()
    r = admin_client.post(
        "/campaigns/new/",
        {
            "name": "夏季走访",
            "area": testing.VILLAGE_A,
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-30",
        },
    )
    assert r.status_code == 302
    assert "夏季走访" in admin_client.get("/campaigns/").content.decode()


def test_campaign_api(client, world, campaign, categories, secretary_a):
    client.force_login(world["user"])
    _log(client, world["plain"], opinion="修路")
    raw, _token = token_issue(user=secretary_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    anon = client.__class__()
    listed = anon.get("/api/v1/campaigns", **auth).json()
    assert listed["count"] == 1 and [c["name"] for c in listed["items"]] == ["千名党员大走访"]
    opinions = anon.get(f"/api/v1/campaigns/{campaign.pk}/opinions", **auth).json()
    assert opinions["count"] == 1
    opinion_id = opinions["items"][0]["id"]
    r = anon.post(
        f"/api/v1/campaigns/opinions/{opinion_id}/category",
        data=json.dumps({"category_id": categories[1].pk}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["category_id"] == categories[1].pk
    counts = anon.get(f"/api/v1/campaigns/{campaign.pk}/counts", **auth).json()
    assert counts["by_category"][1] == {"name": "医疗保障", "count": 1}
    assert counts["members_visited"] == 1
    cats = anon.get("/api/v1/campaigns/categories", **auth).json()
    assert cats["count"] == 3
    assert [c["name"] for c in cats["items"]] == ["道路交通", "医疗保障", "产业发展"]
    page = anon.get("/api/v1/campaigns/categories?limit=2&offset=2", **auth).json()
    assert [c["name"] for c in page["items"]] == ["产业发展"]
    r = anon.post(
        "/api/v1/campaigns/categories",
        data=json.dumps({"township_code": testing.TOWNSHIP, "name": "新类"}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 403


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "١٢", "1" * 5000])
def test_a_tampered_category_is_refused_in_plain_words(
    admin_client, world, campaign, categories, value
):
    member = Client()
    member.force_login(world["user"])
    _log(member, world["plain"], opinion="修路")
    opinion = Opinion.objects.get()
    r = admin_client.post(
        f"/campaigns/opinions/{opinion.pk}/category/", {"category": value}, follow=True
    )
    assert r.status_code == 200 and "reload the page" in r.content.decode()
    opinion.refresh_from_db()
    assert opinion.category is None and opinion.categorised_at is None
    r = admin_client.post(
        "/campaigns/categories/", {"category": value, "name": "改名"}, follow=True
    )
    assert r.status_code == 200 and "reload the page" in r.content.decode()
    assert [c.name for c in _names(admin_client)] == ["道路交通", "医疗保障", "产业发展"]


def _names(client):
    return client.get("/campaigns/categories/").context["categories"]


@pytest.mark.parametrize(
    "tampered",
    [{"area": "999999999999"}, {"area": "abc"}, {"starts_on": "2026-13-45"}, {"ends_on": "x"}],
)
def test_a_tampered_campaign_form_is_refused_in_plain_words(admin_client, world, tampered):
    data = {"name": "夏季走访", "area": testing.VILLAGE_A, "starts_on": "2026-06-01"}
    r = admin_client.post("/campaigns/new/", {**data, "ends_on": "2026-07-01", **tampered})
    assert r.status_code == 400
    text = r.content.decode()
    assert "Choose an area of your township" in text or "YYYY-MM-DD" in text
    assert "夏季走访" in text  # what was typed is still there
    assert not Campaign.objects.exists()
