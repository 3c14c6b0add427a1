"""The thousand-members visit corrected: members consulted about the grid scheme, by whom,
when, and the opinions they gave; scoped, nothing partial on bad input."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from wangge import testing
from wangge.campaigns.consultation import consultation_record
from wangge.campaigns.models import Campaign, CampaignKind, Consultation, Opinion
from wangge.regions.models import Region

GROUP_A = testing.VILLAGE_A + "001001"
GROUP_B = testing.VILLAGE_B + "001001"


@pytest.fixture
def campaign(regions):
    today = timezone.localdate()
    c = Campaign(
        name="千名党员大走访",
        kind=CampaignKind.VISIT,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )
    c.set_area(Region.objects.get(code=testing.TOWNSHIP))
    c.save()
    return c


@pytest.fixture
def members(regions):
    return {
        "a": testing.make_member(area_code=GROUP_A, seq=1, name="汪老党员"),
        "asker": testing.make_member(area_code=GROUP_A, seq=2, name="汪书记"),
        "b": testing.make_member(area_code=GROUP_B, seq=3, name="郭党员"),
    }


def test_secretary_records_a_consultation_with_opinions(client, secretary_a, campaign, members):
    client.force_login(secretary_a)
    detail = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f"/campaigns/{campaign.pk}/consultations/" in detail
    form = client.get(f"/campaigns/{campaign.pk}/consultations/new/").content.decode()
    assert "汪老党员" in form and "郭党员" not in form
    data = {
        "member": members["a"].pk,
        "consulted_by": members["asker"].pk,
        "day": timezone.localdate().isoformat(),
        "opinions": "网格太大，希望按屋场划分\n\n希望网格员名单上墙",
    }
    done = client.post(f"/campaigns/{campaign.pk}/consultations/new/", data)
    assert done.status_code == 302, done.content.decode()[:1500]
    consultation = Consultation.objects.get()
    assert consultation.consulted_by == members["asker"]
    assert Opinion.objects.filter(consultation=consultation).count() == 2
    listing = client.get(f"/campaigns/{campaign.pk}/consultations/").content.decode()
    assert "汪老党员" in listing and 'data-figure="members_consulted">1<' in listing
    twice = client.post(f"/campaigns/{campaign.pk}/consultations/new/", data)
    assert twice.status_code == 400
    assert Consultation.objects.count() == 1 and Opinion.objects.count() == 2
    out = io.StringIO()
    call_command("stats", "--json", stdout=out)
    assert '"campaign_members_consulted": 1' in out.getvalue()
    assert '"campaign_consultation_opinions": 2' in out.getvalue()


def test_bad_input_and_scope(client, secretary_a, secretary_b, campaign, members):
    client.force_login(secretary_a)
    future = {
        "member": members["a"].pk,
        "day": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "opinions": "某意见",
    }
    assert client.post(f"/campaigns/{campaign.pk}/consultations/new/", future).status_code == 400
    other = {**future, "member": members["b"].pk, "day": timezone.localdate().isoformat()}
    assert client.post(f"/campaigns/{campaign.pk}/consultations/new/", other).status_code == 400
    assert not Consultation.objects.exists() and not Opinion.objects.exists()
    with pytest.raises(PermissionDenied):
        consultation_record(
            actor=secretary_b,
            campaign=campaign,
            member=members["a"],
            consulted_by=None,
            day=timezone.localdate(),
            opinions=[],
        )
    consultation_record(
        actor=secretary_a,
        campaign=campaign,
        member=members["a"],
        consulted_by=None,
        day=timezone.localdate(),
        opinions=["意见"],
    )
    client.force_login(secretary_b)
    listing = client.get(f"/campaigns/{campaign.pk}/consultations/").content.decode()
    assert "汪老党员" not in listing


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(user)}"}


def test_api_records_and_lists_consultations(client, secretary_a, secretary_b, campaign, members):
    url = f"/api/v1/campaigns/{campaign.pk}/consultations"
    body = {
        "member_id": members["a"].pk,
        "consulted_by_id": members["asker"].pk,
        "day": timezone.localdate().isoformat(),
        "opinions": ["希望网格员名单上墙"],
    }
    made = client.post(url, body, content_type="application/json", **_auth(secretary_a))
    assert made.status_code == 201, made.content
    assert made.json()["opinion_count"] == 1
    twice = client.post(url, body, content_type="application/json", **_auth(secretary_a))
    assert twice.status_code == 422
    outsider = client.post(
        url,
        {**body, "member_id": members["b"].pk},
        content_type="application/json",
        **_auth(secretary_a),
    )
    assert outsider.status_code == 422 and Consultation.objects.count() == 1
    assert client.get(url, **_auth(secretary_a)).json()["count"] == 1
    assert client.get(url, **_auth(secretary_b)).json()["count"] == 0
