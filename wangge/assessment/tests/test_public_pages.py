"""Public member pages are made with the member (the services, the import, the data migration
for the members there were), never on a read: listing members writes nothing."""

import datetime
import importlib

from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wangge import testing
from wangge.accounts.models import Role
from wangge.assessment.models import PublicPage, Visibility
from wangge.imports.kinds import KINDS
from wangge.imports.pipeline import run_import
from wangge.imports.tests.sheets import MEMBER_HEADERS, write_xlsx
from wangge.party.models import Member
from wangge.regions.models import Region

HAMLET_A = testing.VILLAGE_A + "001"
WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def _list(client, token: str) -> dict:
    response = client.get("/api/v1/members?limit=50", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["items"]}


def test_creating_a_member_makes_their_page(regions):
    """GIVEN a township WHEN a member is created through the services THEN they have a page,
    shown by default (AUTO), with an unguessable token."""
    member = testing.make_member(area_code=HAMLET_A, seq=1, name="徐胜平")
    page = PublicPage.objects.get(member=member)
    assert page.visibility == Visibility.AUTO and len(page.token) >= 20
    assert PublicPage.objects.count() == 1


def test_importing_members_makes_their_pages(regions, secretary_a, tmp_path):
    testing.branch_for(testing.VILLAGE_A, "湖滨村党支部")
    rows = []
    for seq, name in [(1, "王一"), (2, "王二")]:
        values = {
            "姓名": name,
            "身份证号": testing.make_id(datetime.date(1960, 5, 1), seq),
            "手机号": f"139{seq:08d}",
            "所在支部": "湖滨村党支部",
            "村": "湖滨村",
            "自然村": "汪屋",
            "入党日期": "1985/7/1",
            "是否流动党员": "否",
            "流动去向": "",
        }
        rows.append([values[h] for h in MEMBER_HEADERS])
    path = write_xlsx(tmp_path / "m.xlsx", MEMBER_HEADERS, rows)
    report = run_import(kind=KINDS["members"], path=path, user=secretary_a)
    assert report.committed and report.created == 2
    assert set(PublicPage.objects.values_list("member_id", flat=True)) == set(
        Member.objects.values_list("pk", flat=True)
    )


def test_listing_members_writes_nothing(regions, township_admin, client):
    """GIVEN members with pages, one without (written around the services) WHEN the members API
    lists them THEN no row is written, and the one without a page has no ``public_url``."""
    shown = testing.make_member(area_code=HAMLET_A, seq=1, name="徐胜平")
    bare = testing.make_member(area_code=HAMLET_A, seq=2, name="汪大勇")
    PublicPage.objects.filter(member=bare).delete()
    token = testing.api_token(township_admin)
    with CaptureQueriesContext(connection) as queries:
        items = _list(client, token)
    assert _writes(queries.captured_queries) == []
    assert not PublicPage.objects.filter(member=bare).exists()
    assert "/m/" in items[shown.pk]["public_url"]
    assert "public_url" not in items[bare.pk]


def test_the_data_migration_makes_pages_for_existing_members(regions):
    """GIVEN members without pages (as before the migration) WHEN the data migration runs
    THEN each has one page; a second run adds none."""
    members = [testing.make_member(area_code=HAMLET_A, seq=n) for n in (1, 2, 3)]
    kept = PublicPage.objects.get(member=members[0])
    PublicPage.objects.filter(member__in=members[1:]).delete()
    migration = importlib.import_module(
        "wangge.assessment.migrations.0003_public_pages_for_existing_members"
    )
    migration.create_pages(django_apps, None)
    migration.create_pages(django_apps, None)
    assert PublicPage.objects.count() == 3
    assert PublicPage.objects.get(member=members[0]).token == kept.token
    assert len(set(PublicPage.objects.values_list("token", flat=True))) == 3


def _pdf_text_maps(content: bytes) -> str:
    return testing.pdf_text_maps(content).upper()


def test_door_plate_pdf_is_real_text(regions, client, settings):
    """GIVEN a member with a login WHEN they print their door plate as PDF THEN its text
    (township, 共产党员户, name, branch) is drawn in fonts, and the QR code is not a picture."""
    settings.LANGUAGE_CODE = "zh-hans"
    member = testing.make_member(area_code=HAMLET_A, seq=1, name="徐胜平")
    user = testing.make_user("plate-member", Role.MEMBER, testing.VILLAGE_A)
    user.member = member
    user.save(update_fields=["member"])
    client.force_login(user)
    response = client.get(reverse("assessment:plate_pdf"))
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    maps = _pdf_text_maps(content)
    township = Region.objects.get(code=testing.TOWNSHIP).name
    for text in ("徐胜平", member.organisation.name, township, "共产党员户"):
        for char in text:
            assert f"<{ord(char):04X}>" in maps, (text, char)
    assert b"/Subtype /Image" not in content  # the QR code is drawn, not pasted
