"""The campaign engine with flood control: a declared emergency is the only time turn-outs and
check-ins are taken; teams across villages; dike sections held by branches; turn-outs stored
once; the dashboard per level, the summary, the API, the ledger and the stats."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from openpyxl import load_workbook

from wangge import testing
from wangge.accounts.models import Role
from wangge.audit.models import AuditEvent
from wangge.campaigns.engine import (
    emergency_declare,
    section_create,
    shift_assign,
    task_create,
    team_add,
    team_create,
    turnout_record,
)
from wangge.campaigns.models import Emergency, TeamMember, Turnout
from wangge.campaigns.services import campaign_create, duty_log_record
from wangge.campaigns.turnouts import (
    TurnoutFilters,
    _figures,
    dashboard,
    turnout_list,
    village_rows,
)
from wangge.core.stats import collect_stats
from wangge.grids.services import person_create
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
HAMLET_B = testing.VILLAGE_B + "001"


def _member_user(username, area_code, seq):
    return testing.make_member_user(username, area_code, seq)


@pytest.fixture
def flood(regions, township_admin, secretary_a, secretary_b):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="2020年防汛抗洪",
        kind="flood",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
    )
    village_a = Region.objects.get(code=testing.VILLAGE_A)
    village_b = Region.objects.get(code=testing.VILLAGE_B)
    branch_a = testing.branch_for(testing.VILLAGE_A, "湖滨村党总支")
    worker = person_create(actor=secretary_b, name="民工甲", area=Region.objects.get(code=HAMLET_B))
    return {
        "campaign": campaign,
        "today": today,
        "a": village_a,
        "b": village_b,
        "branch_a": branch_a,
        "m_a": _member_user("m-a", HAMLET_A, 1),
        "m_b": _member_user("m-b", HAMLET_B, 2),
        "worker": worker,
    }


def _declare(flood, admin, *, start=-3, end=3):
    today = flood["today"]
    return emergency_declare(
        actor=admin,
        campaign=flood["campaign"],
        starts_on=today + datetime.timedelta(days=start),
        ends_on=today + datetime.timedelta(days=end),
        reason="长江超警戒水位",
    )


def test_check_in_refused_until_an_emergency_is_declared(flood, township_admin):
    with pytest.raises(ValidationError) as exc:
        turnout_record(actor=flood["m_a"], campaign=flood["campaign"], day=flood["today"], hours=8)
    assert "No emergency is declared" in " ".join(exc.value.messages)
    assert not Turnout.objects.exists()
    emergency = _declare(flood, township_admin)
    assert AuditEvent.objects.filter(action="campaigns.emergency_declare").count() == 1
    assert emergency.declared_by == township_admin
    turnout = turnout_record(
        actor=flood["m_a"], campaign=flood["campaign"], day=flood["today"], hours=8
    )
    assert turnout.self_reported and turnout.member == flood["m_a"].member
    assert turnout.area_code == testing.VILLAGE_A and turnout.home_code == testing.VILLAGE_A


def test_turnout_outside_the_emergency_or_campaign_is_refused(flood, township_admin):
    _declare(flood, township_admin, start=-2, end=0)
    campaign = flood["campaign"]
    for day, words in [
        (flood["today"] - datetime.timedelta(days=5), "The declared emergency runs"),
        (flood["today"] - datetime.timedelta(days=30), "The campaign runs from"),
    ]:
        with pytest.raises(ValidationError) as exc:
            turnout_record(actor=flood["m_a"], campaign=campaign, day=day, hours=4)
        assert words in " ".join(exc.value.messages)
    assert not Turnout.objects.exists()


def test_emergency_only_by_the_township_office_within_the_campaign(flood, secretary_a):
    with pytest.raises(PermissionDenied):
        _declare(flood, secretary_a)
    admin = testing.make_user("admin2", Role.TOWNSHIP_ADMIN, testing.TOWNSHIP)
    with pytest.raises(ValidationError):
        _declare(flood, admin, start=-3, end=30)
    assert not Emergency.objects.exists()


@pytest.mark.parametrize("hours", ["0", "-1", "24.5", "abc", "NaN"])
def test_hours_must_be_within_a_day(flood, township_admin, hours):
    _declare(flood, township_admin)
    with pytest.raises(ValidationError) as exc:
        turnout_record(
            actor=flood["m_a"], campaign=flood["campaign"], day=flood["today"], hours=hours
        )
    assert "at most 24" in " ".join(exc.value.messages)
    assert not Turnout.objects.exists()


def test_turnout_stored_once_per_worker_day_and_section(flood, township_admin, secretary_a):
    _declare(flood, township_admin)
    campaign = flood["campaign"]
    section = section_create(
        actor=secretary_a,
        campaign=campaign,
        name="南港堤段",
        place="1.2公里",
        organisation=flood["branch_a"],
    )
    turnout_record(actor=flood["m_a"], campaign=campaign, day=flood["today"], hours=8)
    with pytest.raises(ValidationError) as exc:
        turnout_record(actor=flood["m_a"], campaign=campaign, day=flood["today"], hours=3)
    assert "already recorded" in " ".join(exc.value.messages)
    # Another section on the same day is another turn-out.
    turnout_record(
        actor=flood["m_a"], campaign=campaign, day=flood["today"], hours=4, section=section
    )
    assert Turnout.objects.count() == 2


def test_back_line_team_serves_a_front_line_village(flood, township_admin, secretary_b):
    _declare(flood, township_admin)
    campaign = flood["campaign"]
    team = team_create(
        actor=secretary_b,
        campaign=campaign,
        name="太华村党员突击队",
        kind="commando",
        home=flood["b"],
        serves=flood["a"],
    )
    team_add(actor=secretary_b, team=team, member=flood["m_b"].member, leader=True)
    team_add(actor=secretary_b, team=team, person=flood["worker"])
    other = team_create(
        actor=secretary_b,
        campaign=campaign,
        name="太华先锋队",
        kind="vanguard",
        home=flood["b"],
        serves=flood["b"],
    )
    with pytest.raises(ValidationError) as exc:
        team_add(actor=secretary_b, team=other, person=flood["worker"])
    assert "already on the team 太华村党员突击队" in " ".join(exc.value.messages)
    assert TeamMember.objects.count() == 2
    turnout = turnout_record(
        actor=secretary_b,
        campaign=campaign,
        day=flood["today"],
        hours="6.5",
        person=flood["worker"],
        team=team,
    )
    # Worked in the front-line village, counted for the back-line village as home.
    assert turnout.area_code == testing.VILLAGE_A and turnout.home_code == testing.VILLAGE_B
    assert turnout.hours == Decimal("6.5") and not turnout.self_reported
    # The member's own check-in takes their team.
    own = turnout_record(actor=flood["m_b"], campaign=campaign, day=flood["today"], hours=8)
    assert own.team == team


def test_secretary_cannot_record_for_another_village(flood, township_admin, secretary_a):
    _declare(flood, township_admin)
    with pytest.raises(Http404):
        turnout_record(
            actor=secretary_a,
            campaign=flood["campaign"],
            day=flood["today"],
            hours=8,
            person=flood["worker"],
        )
    assert not Turnout.objects.exists()


def test_shifts_and_tasks(client, flood, township_admin, secretary_a):
    campaign = flood["campaign"]
    section = section_create(
        actor=secretary_a,
        campaign=campaign,
        name="东湖圩口",
        place="",
        organisation=flood["branch_a"],
    )
    team = team_create(
        actor=secretary_a,
        campaign=campaign,
        name="湖滨先锋队",
        kind="vanguard",
        home=flood["a"],
        serves=flood["a"],
    )
    shift = shift_assign(
        actor=secretary_a, section=section, day=flood["today"], shift="night", team=team
    )
    assert shift.team == team
    client.force_login(secretary_a)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "湖滨先锋队" in page and 'class="shifts"' in page
    with pytest.raises(ValidationError):
        shift_assign(
            actor=secretary_a,
            section=section,
            day=flood["today"] + datetime.timedelta(days=60),
            shift="day",
            team=team,
        )
    task = task_create(
        actor=secretary_a,
        campaign=campaign,
        text="巡查东湖圩口管涌",
        due_on=flood["today"],
        member=flood["m_a"].member,
    )
    assert task.area_code == HAMLET_A
    with pytest.raises(ValidationError):
        task_create(actor=secretary_a, campaign=campaign, text="无对象", due_on=flood["today"])


def _some_turnouts(flood, admin, secretary_b):
    _declare(flood, admin)
    campaign = flood["campaign"]
    team = team_create(
        actor=secretary_b,
        campaign=campaign,
        name="太华突击队",
        kind="commando",
        home=flood["b"],
        serves=flood["a"],
    )
    turnout_record(actor=flood["m_a"], campaign=campaign, day=flood["today"], hours=8)
    turnout_record(
        actor=secretary_b,
        campaign=campaign,
        day=flood["today"],
        hours=8,
        person=flood["worker"],
        team=team,
    )
    turnout_record(
        actor=secretary_b,
        campaign=campaign,
        day=flood["today"] - datetime.timedelta(days=1),
        hours=8,
        person=flood["worker"],
        team=team,
    )
    duty_log_record(
        actor=flood["m_a"],
        campaign=campaign,
        kind="incident",
        day=flood["today"],
        place="南港圩堤",
        text="发现管涌一处，已抢护",
    )
    return team


def test_dashboard_per_level_and_summary(client, flood, township_admin, secretary_b):
    team = _some_turnouts(flood, township_admin, secretary_b)
    campaign = flood["campaign"]
    client.force_login(township_admin)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-figure="turnouts">3<' in page
    assert 'data-figure="workers">2<' in page
    assert 'data-figure="member_share">50%<' in page
    assert 'data-figure="incidents">1<' in page
    assert f"?village={testing.VILLAGE_A}" in page
    village = client.get(f"/campaigns/{campaign.pk}/?village={testing.VILLAGE_A}").content.decode()
    assert "太华突击队" in village and f"team={team.pk}" in village
    listed = client.get(f"/campaigns/{campaign.pk}/turnouts/?who=person").content.decode()
    assert "民工甲" in listed and "党员1" not in listed
    summary = client.get(f"/campaigns/{campaign.pk}/summary/").content.decode()
    assert "管涌" in summary and "太华突击队" in summary and 'data-figure="turnouts">3<' in summary


def test_dashboard_in_one_statement_keeps_the_figures(flood, township_admin, secretary_b):
    team = _some_turnouts(flood, township_admin, secretary_b)
    campaign = flood["campaign"]
    turnouts = turnout_list(township_admin, TurnoutFilters(campaign=str(campaign.pk)))
    board = dashboard(township_admin, campaign)
    assert board["figures"] == _figures(turnouts) | {"incidents": 1}
    assert {row["code"]: row["turnouts"] for row in board["villages"]} == {testing.VILLAGE_A: 3}
    assert board["villages"][0]["workers"] == 2 and board["villages"][0]["member_share"] == 50
    village = dashboard(township_admin, campaign, village=testing.VILLAGE_A)
    in_a = turnouts.filter(area_code__startswith=testing.VILLAGE_A)
    assert village["figures"] == _figures(in_a) | {"incidents": 1}
    by_team = {
        row["id"]: {k: row[k] for k in ("turnouts", "workers", "hours")} for row in village["teams"]
    }
    assert by_team == {
        None: {"turnouts": 1, "workers": 1, "hours": 8},
        team.pk: {"turnouts": 2, "workers": 1, "hours": 16},
    }
    assert [row["turnouts"] for row in village["sections"]] == [3]  # no section
    # An empty village: zeros, no rows.
    empty = dashboard(township_admin, campaign, village=testing.VILLAGE_B)
    assert empty["figures"]["turnouts"] == 0 and empty["teams"] == [] == empty["sections"]
    assert empty["figures"]["incidents"] == 0


def test_secretary_of_the_back_line_sees_their_people_only(
    client, flood, township_admin, secretary_b
):
    _some_turnouts(flood, township_admin, secretary_b)
    client.force_login(secretary_b)
    listed = client.get(f"/campaigns/{flood['campaign'].pk}/turnouts/").content.decode()
    assert "民工甲" in listed and "党员1" not in listed
    # The front-line village's view, with the figures of the secretary's own people only.
    front = client.get(f"/campaigns/{flood['campaign'].pk}/?village={testing.VILLAGE_A}")
    assert front.status_code == 200
    assert 'data-figure="turnouts">2<' in front.content.decode()


def test_member_records_on_duty_in_two_taps(client, flood, township_admin):
    _declare(flood, township_admin)
    client.force_login(flood["m_a"])
    home = client.get("/visits/").content.decode()
    assert "/campaigns/on-duty/" in home
    page = client.get("/campaigns/on-duty/").content.decode()
    assert 'id="on-duty"' in page
    response = client.post("/campaigns/on-duty/", {"campaign": flood["campaign"].pk, "hours": "8"})
    assert response.status_code == 302
    assert Turnout.objects.get().member == flood["m_a"].member
    again = client.post("/campaigns/on-duty/", {"campaign": flood["campaign"].pk, "hours": "8"})
    assert again.status_code == 400 and Turnout.objects.count() == 1


def test_on_duty_page_without_emergency_offers_nothing(client, flood):
    client.force_login(flood["m_a"])
    assert "/campaigns/on-duty/" not in client.get("/visits/").content.decode()
    page = client.get("/campaigns/on-duty/").content.decode()
    assert 'id="on-duty"' not in page
    response = client.post("/campaigns/on-duty/", {"campaign": flood["campaign"].pk, "hours": "8"})
    assert response.status_code == 400 and not Turnout.objects.exists()


def test_staff_page_records_a_turnout_with_plain_errors(client, flood, township_admin, secretary_b):
    _declare(flood, township_admin)
    client.force_login(secretary_b)
    url = f"/campaigns/{flood['campaign'].pk}/turnouts/new/"
    bad = client.post(url, {"person": flood["worker"].pk, "day": flood["today"], "hours": "25"})
    assert bad.status_code == 400
    assert "at most 24" in bad.content.decode() and not Turnout.objects.exists()
    good = client.post(url, {"person": flood["worker"].pk, "day": flood["today"], "hours": "5"})
    assert good.status_code == 302 and Turnout.objects.get().person == flood["worker"]


def test_api_lists_and_records_turnouts(client, flood, township_admin, secretary_b):
    _declare(flood, township_admin)
    campaign = flood["campaign"]
    listing = client.get(
        "/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {testing.api_token(township_admin)}"
    ).json()
    item = next(i for i in listing["items"] if i["id"] == campaign.pk)
    assert item["kind"] == "flood" and item["area_code"] == testing.TOWNSHIP
    assert item["starts_on"] and item["ends_on"]
    member = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(flood['m_a'])}"}
    url = f"/api/v1/campaigns/{campaign.pk}/turnouts"
    created = client.post(
        url,
        {"day": flood["today"].isoformat(), "hours": 8},
        content_type="application/json",
        **member,
    )
    assert created.status_code == 201, created.content
    assert created.json()["is_party_member"] and created.json()["self_reported"]
    outside = client.post(
        url,
        {"day": (flood["today"] - datetime.timedelta(days=9)).isoformat(), "hours": 8},
        content_type="application/json",
        **member,
    )
    assert outside.status_code in (400, 422) and "emergency" in outside.json()["message"]
    too_long = client.post(
        url,
        {"day": flood["today"].isoformat(), "hours": 30, "person_id": flood["worker"].pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {testing.api_token(secretary_b)}",
    )
    assert too_long.status_code in (400, 422) and Turnout.objects.count() == 1
    rows = client.get(url, HTTP_AUTHORIZATION=f"Bearer {testing.api_token(township_admin)}").json()
    assert rows["count"] == 1 and rows["items"][0]["name"] == "党员1"


def test_api_campaign_outside_scope_is_404(client, flood, township_admin, secretary_b):
    village_campaign = campaign_create(
        actor=township_admin,
        area=flood["a"],
        name="湖滨防汛",
        kind="flood",
        starts_on=flood["today"],
        ends_on=flood["today"],
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {testing.api_token(secretary_b)}"}
    url = f"/api/v1/campaigns/{village_campaign.pk}/turnouts"
    assert client.get(url, **headers).status_code == 404
    posted = client.post(
        url,
        {"day": flood["today"].isoformat(), "hours": 8},
        content_type="application/json",
        **headers,
    )
    assert posted.status_code == 404
    created = client.post(
        "/api/v1/campaigns",
        {
            "name": "外乡防汛",
            "kind": "flood",
            "area_code": "340827100",
            "starts_on": "2020-07-05",
            "ends_on": "2020-08-10",
        },
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 404


def test_ledger_export_and_stats(client, flood, township_admin, secretary_b, tmp_path):
    _some_turnouts(flood, township_admin, secretary_b)
    target = tmp_path / "turnouts.xlsx"
    call_command(
        "export", "turnouts", str(target), "--area", testing.VILLAGE_A, stdout=io.StringIO()
    )
    sheet = load_workbook(target).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("出勤编号", "日期", "所属活动", "姓名", "是否党员")
    assert len(rows) == 4
    assert AuditEvent.objects.filter(action="export", object_type="campaigns.turnout").exists()
    client.force_login(township_admin)
    response = client.get(
        f"/imports/turnouts/export.xlsx?campaign={flood['campaign'].pk}&who=member"
    )
    assert response.status_code == 200
    assert len(list(load_workbook(io.BytesIO(response.content)).active.values)) == 2
    stats = collect_stats(testing.TOWNSHIP, flood["today"])
    assert stats["campaign_turnouts"] == 3
    assert stats["campaigns_by_kind"]["flood"] == 1


def test_turnout_ledger_neutralises_formulas(flood, township_admin, secretary_b, tmp_path):
    _declare(flood, township_admin)
    turnout_record(
        actor=secretary_b,
        campaign=flood["campaign"],
        day=flood["today"],
        hours=2,
        person=flood["worker"],
        note='=HYPERLINK("http://x")',
    )
    target = tmp_path / "t.xlsx"
    call_command("export", "turnouts", str(target), stdout=io.StringIO())
    note = list(load_workbook(target).active.values)[1][11]
    assert not str(note).startswith("=")


def test_pledge_ledger_lists_acknowledgements(client, flood, township_admin, tmp_path):
    from wangge.campaigns.services import pledge_acknowledge, pledge_publish
    from wangge.grids.models import GridMember
    from wangge.grids.services import grid_create, grid_layers_seed

    layer = {layer.slug: layer for layer in grid_layers_seed()}["service"]
    grid = grid_create(
        actor=None, layer=layer, name="汪屋网格", area=Region.objects.get(code=HAMLET_A), level=4
    )
    GridMember.objects.create(grid=grid, member=flood["m_a"].member)
    straw = campaign_create(
        actor=township_admin,
        area=Region.objects.get(code=testing.TOWNSHIP),
        name="秸秆禁烧",
        kind="straw_burning",
        starts_on=flood["today"],
        ends_on=flood["today"],
    )
    pledge = pledge_publish(actor=township_admin, campaign=straw, text="承诺")
    pledge_acknowledge(actor=flood["m_a"], pledge=pledge)
    target = tmp_path / "p.xlsx"
    call_command("export", "pledges", str(target), stdout=io.StringIO())
    rows = list(load_workbook(target).active.values)
    assert rows[0] == ("所属活动", "承诺书版本", "党员姓名", "村", "确认时间")
    assert rows[1][:3] == ("秸秆禁烧", 1, "党员1")
    client.force_login(township_admin)
    page = client.get(f"/campaigns/{straw.pk}/").content.decode()
    assert 'id="export-pledges"' in page
    response = client.get(f"/imports/pledges/export.xlsx?campaign={straw.pk}")
    assert response.status_code == 200
    assert list(load_workbook(io.BytesIO(response.content)).active.values)[1][2] == "党员1"


def test_secretary_forms_a_team_and_adds_people_from_the_page(client, flood, secretary_b):
    campaign = flood["campaign"]
    client.force_login(secretary_b)
    response = client.post(
        f"/campaigns/{campaign.pk}/teams/",
        {
            "name": "太华突击队",
            "kind": "commando",
            "home": testing.VILLAGE_B,
            "serves": testing.VILLAGE_A,
        },
    )
    assert response.status_code == 302
    team = campaign.teams.get()
    assert team.serves_id == testing.VILLAGE_A
    url = f"/campaigns/{campaign.pk}/team-members/"
    client.post(url, {"team": team.pk, "person": flood["worker"].pk})
    second = client.post(url, {"team": team.pk, "person": flood["worker"].pk}, follow=True)
    assert "already on the team" in second.content.decode()
    assert TeamMember.objects.count() == 1
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "太华突击队" in page and "民工甲" in page


def test_township_page_shows_a_row_per_village_not_every_team(
    client, flood, township_admin, secretary_b
):
    """GIVEN a campaign with a county's number of teams and dike sections WHEN the township's
    office opens it THEN the page holds a row per village (teams, sections, people, turn-outs,
    the share of members), stays small, and names no team; a village's name opens its view
    with its teams and sections in full and the figures of the work there unchanged."""
    campaign = flood["campaign"]
    client.force_login(township_admin)
    fresh = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    # A fresh campaign: every village has a row to open (its first team is formed there).
    assert fresh.count("data-village=") == 2 and f'href="?village={testing.VILLAGE_B}"' in fresh
    team = _some_turnouts(flood, township_admin, secretary_b)
    for n in range(150):
        home, serves = (flood["a"], flood["a"]) if n % 2 else (flood["b"], flood["a"])
        team_create(
            actor=township_admin,
            campaign=campaign,
            name=f"突击队{n:03}",
            kind="commando",
            home=home,
            serves=serves,
        )
    for n in range(100):
        section_create(
            actor=township_admin,
            campaign=campaign,
            name=f"圩段{n:03}",
            place="",
            organisation=flood["branch_a"],
        )
    client.force_login(township_admin)
    response = client.get(f"/campaigns/{campaign.pk}/")
    page = response.content.decode()
    assert len(response.content) < 30_000, len(response.content)
    assert page.count("data-village=") == 2  # the two villages, not 151 teams
    assert "突击队" not in page and "圩段0" not in page and 'name="member"' not in page
    assert 'data-figure="turnouts">3<' in page and 'data-figure="member_share">50%<' in page
    board = dashboard(township_admin, campaign)
    rows = {row["code"]: row for row in village_rows(township_admin, campaign, board["villages"])}
    assert rows[testing.VILLAGE_A]["teams"] == 151 and rows[testing.VILLAGE_A]["sections"] == 100
    assert rows[testing.VILLAGE_B]["teams"] == 76 and rows[testing.VILLAGE_B]["sections"] == 0
    assert rows[testing.VILLAGE_A]["turnouts"] == 3 and rows[testing.VILLAGE_A]["workers"] == 2
    assert rows[testing.VILLAGE_B]["turnouts"] == 0
    assert f'href="?village={testing.VILLAGE_A}"' in page
    village = client.get(f"/campaigns/{campaign.pk}/?village={testing.VILLAGE_A}").content.decode()
    assert "突击队149" in village and "圩段099" in village and team.name in village
    assert 'data-figure="turnouts">3<' in village and 'name="member"' in village
    # A form sent from the village's view comes back to it.
    response = client.post(
        f"/campaigns/{campaign.pk}/team-members/",
        {"team": team.pk, "person": flood["worker"].pk, "village": testing.VILLAGE_A},
    )
    assert response["Location"].endswith(f"?village={testing.VILLAGE_A}")
    # Anything but a village's code goes back to the campaign's page itself.
    for village in ("12", "x" * 12, testing.VILLAGE_A + "0"):
        response = client.post(
            f"/campaigns/{campaign.pk}/team-members/",
            {"team": team.pk, "person": flood["worker"].pk, "village": village},
        )
        assert response["Location"] == f"/campaigns/{campaign.pk}/"


def test_turnout_form_above_one_village_lists_a_chosen_villages_teams(
    client, flood, township_admin, secretary_b
):
    """The township's form lists no team or section until a village is chosen; then that
    village's (a back-line team serving it included); a turn-out still records."""
    team = _some_turnouts(flood, township_admin, secretary_b)
    campaign = flood["campaign"]
    client.force_login(township_admin)
    url = f"/campaigns/{campaign.pk}/turnouts/new/"
    page = client.get(url).content.decode()
    empty = '<select id="team" name="team"><option value="">—</option></select>'
    assert 'id="village-choice"' in page and empty in page
    chosen = client.get(url, {"village": testing.VILLAGE_A}).content.decode()
    assert empty not in chosen and "太华突击队" in chosen and "民工甲" in chosen
    response = client.post(
        f"{url}?village={testing.VILLAGE_A}",
        {"member": flood["m_b"].member.pk, "team": team.pk, "day": flood["today"], "hours": "4"},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"?village={testing.VILLAGE_A}"
    )
    assert Turnout.objects.filter(member=flood["m_b"].member, team=team).exists()
