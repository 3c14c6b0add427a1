"""Epidemic control: the returnee register (members' page, API, residents' QR form with the
public form's protections), tests, quarantines with daily follow-ups, the due list and the
daily status per grid, each scoped to the user's area."""

import datetime
import io
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from PIL import Image

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.campaigns.epidemic import (
    daily_status,
    follow_up_record,
    lab_result_record,
    quarantine_start,
    returnee_register,
)
from wangge.campaigns.epidemic_views import PUBLIC_SALT
from wangge.campaigns.models import FollowUp, Quarantine, Returnee, ReturneeChannel
from wangge.campaigns.services import campaign_create
from wangge.core.stats import collect_stats
from wangge.grids.models import GridMember
from wangge.grids.services import grid_create, grid_layers_seed, grid_qr_key
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"
DAY = datetime.timedelta(days=1)


def _member_user(username, area_code, seq, grid):
    user = testing.make_member_user(username, area_code, seq)
    GridMember.objects.create(grid=grid, member=user.member, duty="防疫网格员")
    return user


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    cache.clear()
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    yield
    cache.clear()


@pytest.fixture
def epi(regions, township_admin):
    layer = {layer.slug: layer for layer in grid_layers_seed()}["epidemic"]
    grid_a = grid_create(
        actor=None, layer=layer, name="汪屋1号防疫网格", area=Region.objects.get(code=HAMLET_A)
    )
    grid_b = grid_create(
        actor=None, layer=layer, name="郭屋1号防疫网格", area=Region.objects.get(code=HAMLET_B)
    )
    today = timezone.localdate()
    campaign = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="疫情防控",
        kind="epidemic",
        starts_on=today - 10 * DAY,
        ends_on=today + 30 * DAY,
    )
    secretary = testing.make_user("sec-a", Role.VILLAGE_SECRETARY, testing.VILLAGE_A)
    return {
        "campaign": campaign,
        "grid_a": grid_a,
        "grid_b": grid_b,
        "a": _member_user("m-a", HAMLET_A, 1, grid_a),
        "b": _member_user("m-b", HAMLET_B, 2, grid_b),
        "secretary": secretary,
        "today": today,
    }


def _register(epi, actor, grid, **over):
    fields = {
        "name": "张返乡",
        "phone": "13912345678",
        "origin": "武汉",
        "risk": "high",
        "arrived_on": epi["today"] - 2 * DAY,
    }
    fields.update(over)
    return returnee_register(actor=actor, campaign=epi["campaign"], grid=grid, **fields)


def test_member_registers_a_returnee_on_the_page(client, epi):
    client.force_login(epi["a"])
    url = f"/campaigns/{epi['campaign'].pk}/returnees/new/"
    page = client.get(url, {"grid": epi["grid_a"].pk})
    assert page.status_code == 200 and "汪屋1号防疫网格" in page.content.decode()
    post = {
        "grid": epi["grid_a"].pk,
        "name": "李归来",
        "phone": "139 1234 5678",
        "origin": "上海",
        "risk": "medium",
        "arrived_on": epi["today"].isoformat(),
    }
    response = client.post(url, post)
    assert response.status_code == 302
    returnee = Returnee.objects.get()
    assert returnee.phone == "13912345678" and returnee.phone_masked == "139****5678"
    assert returnee.area_code == HAMLET_A and returnee.channel == ReturneeChannel.MEMBER
    detail = client.get(response["Location"]).content.decode()
    assert "139****5678" in detail and "13912345678" not in detail
    assert AuditEvent.objects.filter(action="campaigns.returnee_register").count() == 1


def test_bad_register_input_names_every_mistake_and_stores_nothing(client, epi):
    client.force_login(epi["a"])
    url = f"/campaigns/{epi['campaign'].pk}/returnees/new/"
    post = {
        "grid": epi["grid_a"].pk,
        "name": "",
        "phone": "12345",
        "origin": "",
        "risk": "extreme",
        "arrived_on": (epi["today"] + DAY).isoformat(),
    }
    response = client.post(url, post)
    assert response.status_code == 400
    errors = response.context["errors"]
    assert set(errors) == {"name", "phone", "origin", "risk", "arrived_on"}
    assert "future" in errors["arrived_on"]
    assert not Returnee.objects.exists()


def test_a_grid_outside_the_scope_is_not_found(client, epi):
    client.force_login(epi["a"])
    url = f"/campaigns/{epi['campaign'].pk}/returnees/new/"
    assert client.get(url, {"grid": epi["grid_b"].pk}).status_code == 404
    for nonsense in ("x", "²", "-1", "9" * 30):
        assert client.get(url, {"grid": nonsense}).status_code == 404
        assert client.post(url, {"grid": nonsense, "name": "李归来"}).status_code == 404
    # The post's grid, when it names one, is the one registered in.
    assert client.post(f"{url}?grid={epi['grid_a'].pk}", {"grid": "x"}).status_code == 404
    with pytest.raises(Http404):
        _register(epi, epi["a"], epi["grid_b"])
    other = _register(epi, epi["b"], epi["grid_b"])
    assert client.get(f"/campaigns/returnees/{other.pk}/").status_code == 404
    assert Returnee.objects.count() == 1


def test_quarantine_dates_and_follow_ups(epi):
    returnee = _register(epi, epi["a"], epi["grid_a"])
    today = epi["today"]
    with pytest.raises(ValidationError) as exc:
        quarantine_start(
            actor=epi["a"], returnee=returnee, kind="home", starts_on=today, ends_on=today - DAY
        )
    assert "ends_on" in exc.value.message_dict
    assert not Quarantine.objects.exists()
    quarantine = quarantine_start(
        actor=epi["a"],
        returnee=returnee,
        kind="home",
        starts_on=today - DAY,
        ends_on=today + 12 * DAY,
    )
    with pytest.raises(ValidationError) as exc:
        quarantine_start(
            actor=epi["a"],
            returnee=returnee,
            kind="medical",
            starts_on=today + 5 * DAY,
            ends_on=today + 20 * DAY,
        )
    assert "already under quarantine" in " ".join(exc.value.messages)
    assert Quarantine.objects.count() == 1
    for day in (today - 2 * DAY, today + 13 * DAY):
        with pytest.raises(ValidationError) as exc:
            follow_up_record(actor=epi["a"], quarantine=quarantine, day=day, temperature="36.5")
        assert "within the quarantine" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        follow_up_record(actor=epi["a"], quarantine=quarantine, day=today, temperature="50")
    follow_up_record(actor=epi["a"], quarantine=quarantine, day=today, temperature="36,6")
    with pytest.raises(ValidationError) as exc:
        follow_up_record(actor=epi["a"], quarantine=quarantine, day=today, condition="良好")
    assert "already" in " ".join(exc.value.messages)
    assert str(FollowUp.objects.get().temperature) == "36.6"
    with pytest.raises(Http404):
        follow_up_record(actor=epi["b"], quarantine=quarantine, day=today - DAY, condition="好")


def test_due_list_shows_todays_follow_ups_until_done(client, epi):
    returnee = _register(epi, epi["a"], epi["grid_a"])
    today = epi["today"]
    quarantine = quarantine_start(
        actor=epi["a"], returnee=returnee, kind="home", starts_on=today, ends_on=today + 13 * DAY
    )
    client.force_login(epi["a"])
    home = client.get("/visits/").content.decode()
    assert 'id="nav-follow-ups"' in home
    page = client.get("/campaigns/follow-ups/").content.decode()
    assert "张返乡" in page
    response = client.post(
        f"/campaigns/quarantines/{quarantine.pk}/follow-up/",
        {"day": today.isoformat(), "temperature": "36.4", "condition": "无异常", "next": "due"},
    )
    assert response.status_code == 302 and response["Location"] == "/campaigns/follow-ups/"
    elsewhere = client.post(
        f"/campaigns/quarantines/{quarantine.pk}/follow-up/",
        {"day": today.isoformat(), "temperature": "36.4", "next": "https://example.com/"},
    )
    assert elsewhere["Location"] == f"/campaigns/returnees/{returnee.pk}/"
    assert "张返乡" not in client.get("/campaigns/follow-ups/").content.decode()
    client.force_login(epi["b"])
    assert "张返乡" not in client.get("/campaigns/follow-ups/").content.decode()


def test_no_follow_up_link_without_a_running_epidemic(client, epi):
    epi["campaign"].delete()
    cache.clear()
    client.force_login(epi["a"])
    assert 'id="nav-follow-ups"' not in client.get("/visits/").content.decode()


def test_daily_status_per_grid_and_the_lists_behind(client, epi, township_admin):
    today = epi["today"]
    first = _register(epi, epi["a"], epi["grid_a"], arrived_on=today)
    _register(epi, epi["a"], epi["grid_a"], name="王二", arrived_on=today - 3 * DAY)
    far = _register(epi, epi["b"], epi["grid_b"], name="郭三", arrived_on=today)
    quarantine = quarantine_start(
        actor=epi["a"], returnee=first, kind="home", starts_on=today, ends_on=today + 13 * DAY
    )
    quarantine_start(
        actor=epi["b"], returnee=far, kind="medical", starts_on=today, ends_on=today + 13 * DAY
    )
    follow_up_record(actor=epi["a"], quarantine=quarantine, day=today, temperature="36.5")
    lab_result_record(actor=epi["b"], returnee=far, tested_on=today, result="positive")

    status = daily_status(township_admin, epi["campaign"], today)
    rows = {grid.name: row for grid, row in status["rows"]}
    assert rows["汪屋1号防疫网格"] == {
        "arrived": 1,
        "registered": 2,
        "observed": 1,
        "done": 1,
        "pending": 0,
        "positive": 0,
    }
    assert rows["郭屋1号防疫网格"]["pending"] == 1 and rows["郭屋1号防疫网格"]["positive"] == 1
    assert status["totals"]["registered"] == 3
    # A member counts the grids they serve in only (the counts read those grids' returnees).
    mine = daily_status(epi["a"], epi["campaign"], today)
    assert [(grid.name, row) for grid, row in mine["rows"]] == [
        ("汪屋1号防疫网格", rows["汪屋1号防疫网格"])
    ]
    # Over two villages the page first shows a row per village (counted in the database, the
    # same figures); a village opens its grids.
    client.force_login(township_admin)
    page = client.get(f"/campaigns/{epi['campaign'].pk}/?day={today.isoformat()}")
    assert page.status_code == 200
    assert page.context["status"]["totals"] == status["totals"]
    villages = {code: row for code, _name, row in page.context["village_rows"]}
    assert villages[testing.VILLAGE_A] == rows["汪屋1号防疫网格"]
    assert villages[testing.VILLAGE_B] == rows["郭屋1号防疫网格"]
    assert 'data-village="' in page.content.decode()
    page = client.get(f"/campaigns/{epi['campaign'].pk}/?village={testing.VILLAGE_B}")
    assert not page.context["village_rows"]
    assert [grid.name for grid, _row in page.context["status"]["rows"]] == ["郭屋1号防疫网格"]
    assert 'data-grid="郭屋1号防疫网格"' in page.content.decode()
    pending = client.get(
        f"/campaigns/{epi['campaign'].pk}/returnees/",
        {"day": today.isoformat(), "what": "pending"},
    ).content.decode()
    assert "郭三" in pending and "张返乡" not in pending
    # The village secretary of village A sees village A's grid only.
    client.force_login(epi["secretary"])
    page = client.get(f"/campaigns/{epi['campaign'].pk}/")
    assert [grid.name for grid, _row in page.context["status"]["rows"]] == ["汪屋1号防疫网格"]
    listed = client.get(
        f"/campaigns/{epi['campaign'].pk}/returnees/", {"what": "registered"}
    ).content.decode()
    assert "郭三" not in listed and "王二" in listed
    other = f"/campaigns/{epi['campaign'].pk}/returnees/?grid={epi['grid_b'].pk}"
    assert client.get(other).status_code == 404


def test_api_lists_and_registers_scoped(client, epi):
    _register(epi, epi["b"], epi["grid_b"], name="郭三")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(epi['a'])}"}
    url = f"/api/v1/campaigns/{epi['campaign'].pk}/returnees"
    payload = {
        "grid_id": epi["grid_a"].pk,
        "name": "赵回乡",
        "phone": "13812345678",
        "origin": "苏州",
        "risk": "low",
        "arrived_on": epi["today"].isoformat(),
    }
    created = client.post(url, payload, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert created.json()["phone_masked"] == "138****5678" and "phone" not in created.json()
    listed = client.get(url, **headers).json()
    assert [item["name"] for item in listed["items"]] == ["赵回乡"]
    outside = {**payload, "grid_id": epi["grid_b"].pk}
    response = client.post(url, outside, content_type="application/json", **headers)
    assert response.status_code == 404
    future = {**payload, "arrived_on": (epi["today"] + DAY).isoformat()}
    response = client.post(url, future, content_type="application/json", **headers)
    assert response.status_code in {400, 422} and "future" in response.json()["message"]
    assert Returnee.objects.count() == 2


def _public_form(client, url):
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(rb'name="token" value="([^"]+)"', page.content).group(1).decode()
    data = signing.loads(token, salt=PUBLIC_SALT)
    return token, str(data["a"] + data["b"])


def _public_post(client, epi, **over):
    url = f"/campaigns/r/{grid_qr_key(epi['grid_a'])}/"
    token, answer = _public_form(client, url)
    data = {
        "token": token,
        "answer": answer,
        "website": "",
        "name": "钱自报",
        "phone": "13712345678",
        "origin": "杭州",
        "risk": "medium",
        "arrived_on": epi["today"].isoformat(),
    }
    data.update(over)
    return client.post(url, data)


def test_resident_registers_from_the_qr_form(client, epi):
    response = _public_post(client, epi)
    assert response.status_code == 200 and "钱自报" in response.content.decode()
    returnee = Returnee.objects.get()
    assert returnee.channel == ReturneeChannel.PUBLIC_QR and returnee.grid == epi["grid_a"]
    assert returnee.created_by is None and returnee.phone_masked == "137****5678"


def test_public_form_shows_every_mistake_at_once(client, epi):
    response = _public_post(
        client,
        epi,
        name="",
        phone="123",
        arrived_on=(epi["today"] + DAY).isoformat(),
        answer="99",
    )
    assert response.status_code == 400
    assert set(response.context["errors"]) >= {"name", "phone", "arrived_on", "answer"}
    assert not Returnee.objects.exists()


def test_public_form_protections(client, epi, settings):
    assert _public_post(client, epi, website="http://spam").status_code == 400
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 60}
    assert _public_post(client, epi).status_code == 400
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0}
    # The request form's token is no good here.
    url = f"/campaigns/r/{grid_qr_key(epi['grid_a'])}/"
    bad = signing.dumps({"a": 1, "b": 1, "t": 0, "k": "x"}, salt="wangge.appeals.public-form")
    assert _public_post(client, epi, token=bad, answer="2").status_code == 400
    assert not Returnee.objects.exists()
    for _n in range(3):
        assert _public_post(client, epi).status_code == 200
    limited = _public_post(client, epi)
    assert limited.status_code == 400 and "Too many" in limited.context["errors"]["form"]
    assert Returnee.objects.count() == 3
    assert client.get(url.replace(grid_qr_key(epi["grid_a"]), "nope")).status_code == 404


def test_public_form_closed_outside_the_campaign(client, epi):
    epi["campaign"].ends_on = epi["today"] - DAY
    epi["campaign"].save()
    assert client.get(f"/campaigns/r/{grid_qr_key(epi['grid_a'])}/").status_code == 404


def test_stats_count_returnees_and_active_quarantines(epi):
    returnee = _register(epi, epi["a"], epi["grid_a"])
    _register(epi, epi["b"], epi["grid_b"])
    quarantine_start(
        actor=epi["a"],
        returnee=returnee,
        kind="home",
        starts_on=epi["today"],
        ends_on=epi["today"] + 13 * DAY,
    )
    stats = collect_stats(None, epi["today"])
    assert stats["returnees"] == 2 and stats["quarantines_active"] == 1
    assert stats["campaigns_by_kind"]["epidemic"] == 1
    village = collect_stats(testing.VILLAGE_B, epi["today"])
    assert village["returnees"] == 1 and village["quarantines_active"] == 0


def test_qr_codes_of_the_grids_the_user_records_in(client, epi, township_admin):
    client.force_login(epi["secretary"])
    page = client.get(f"/campaigns/{epi['campaign'].pk}/returnees/qr/").content.decode()
    assert f"/campaigns/r/{grid_qr_key(epi['grid_a'])}/" in page and "<svg" in page
    assert "郭屋1号防疫网格" not in page
    client.force_login(township_admin)
    _register(epi, epi["b"], epi["grid_b"], name="郭三")
    listed = client.get(
        f"/campaigns/{epi['campaign'].pk}/returnees/",
        {"village": testing.VILLAGE_B, "what": "registered"},
    ).content.decode()
    assert "郭三" in listed
    listed = client.get(
        f"/campaigns/{epi['campaign'].pk}/returnees/",
        {"village": testing.VILLAGE_A, "what": "registered"},
    ).content.decode()
    assert "郭三" not in listed


def _pdf_text_maps(content: bytes) -> str:
    return testing.pdf_text_maps(content).upper()


def test_qr_poster_as_png_and_as_pdf_of_real_text(client, epi, settings):
    """GIVEN a village secretary WHEN they print their grid's returnee poster THEN the PNG is a
    picture of it, and the PDF's text (the township, the title, the grid) is drawn in fonts with
    the QR code as a drawing, not a picture; another village's grid is not found."""
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(epi["secretary"])
    base = f"/campaigns/{epi['campaign'].pk}/returnees/qr/"
    page = client.get(base).content.decode()
    grid = epi["grid_a"]
    assert f"qr/{grid.pk}.png" in page and f"posters.pdf?grid={grid.pk}" in page
    township = Region.objects.get(code=testing.TOWNSHIP).name
    assert township in page
    png = client.get(f"{base}{grid.pk}.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png.content)) as picture:
        assert picture.size == (1240, 1748)
    for url in (f"{base}posters.pdf?grid={grid.pk}", f"{base}posters.pdf"):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        content = response.content
        assert content.startswith(b"%PDF")
        maps = _pdf_text_maps(content)
        for text in (township, "返乡", grid.name):
            for char in text:
                assert f"<{ord(char):04X}>" in maps, (text, char)
        assert b"/Subtype /Image" not in content
    other = epi["grid_b"]
    assert client.get(f"{base}{other.pk}.png").status_code == 404
    assert client.get(f"{base}posters.pdf?grid={other.pk}").status_code == 404
