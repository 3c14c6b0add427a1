"""The field pages as a member would use them, and the bad inputs they must refuse."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.visits.models import Visit, VisitKind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member_client(client, world):
    client.force_login(world["user"])
    return client


def _form(client, home, **data):
    page = client.get(f"/visits/log/{home.pk}/")
    assert page.status_code == 200
    form = page.context["form"]
    values = {
        "household": home.pk,
        "visited_on": timezone.localdate().isoformat(),
        "kind": VisitKind.ROUTINE,
        "found": "老人身体还好",
        "needs": "",
        "client_key": form.initial["client_key"],
    }
    values.update(data)
    return values


def _jpeg(size=(64, 48), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    info = Image.Exif()
    if exif:
        info[0x010F] = "SpyCam"  # Make
        info[0x9003] = "2026:03:01 10:00:00"  # DateTimeOriginal
    image.save(out, format="JPEG", exif=info.tobytes())
    return out.getvalue()


def test_member_logs_a_visit_from_home_in_three_taps(member_client, world):
    home = member_client.get("/visits/")
    assert home.status_code == 200
    # Never visited since the pairing: both households are overdue and listed with a button.
    assert home.content.decode().count('class="button primary log-visit"') == 2
    link = f"/visits/log/{world['hardship'].pk}/"
    assert link in home.content.decode()
    form = member_client.get(link)
    assert form.context["form"]["visited_on"].value() == timezone.localdate()
    assert form.context["form"]["kind"].value() == VisitKind.ROUTINE
    response = member_client.post(
        link, _form(member_client, world["hardship"], needs="想申请危房改造")
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == f"/visits/{visit.pk}/"
    assert visit.household == world["hardship"] and visit.member == world["member"]
    assert visit.needs == "想申请危房改造" and visit.area_code == world["hardship"].area_code
    assert visit.created_by == world["user"] and visit.kind == VisitKind.ROUTINE
    assert AuditEvent.objects.filter(action="visits.visit_log", object_id=str(visit.pk)).exists()
    home = member_client.get("/visits/").content.decode()
    assert link not in home and f"/visits/log/{world['plain'].pk}/" in home


def test_a_form_sent_twice_stores_one_visit(member_client, world):
    data = _form(member_client, world["plain"])
    first = member_client.post(f"/visits/log/{world['plain'].pk}/", data)
    second = member_client.post(f"/visits/log/{world['plain'].pk}/", data, follow=True)
    assert Visit.objects.count() == 1
    assert first.url == f"/visits/{Visit.objects.get().pk}/"
    assert second.redirect_chain[-1][0] == first.url
    assert b"already saved" in second.content


def test_a_visit_in_the_future_is_refused(member_client, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = _form(member_client, world["plain"], visited_on=tomorrow.isoformat())
    response = member_client.post(f"/visits/log/{world['plain'].pk}/", data)
    assert response.status_code == 200
    assert "The visit date is in the future" in response.content.decode()
    assert not Visit.objects.exists()


def test_households_outside_the_members_scope_are_404(member_client, world):
    for household in (world["unpaired"], world["far"]):
        assert member_client.get(f"/visits/log/{household.pk}/").status_code == 404
        data = _form(member_client, world["plain"], household=household.pk)
        assert member_client.post("/visits/log/", data).status_code == 404
    assert not Visit.objects.exists()


def test_choosing_a_household_on_the_plain_form(member_client, world):
    page = member_client.get("/visits/log/")
    assert {c[0] for c in page.context["form"].fields["household"].choices} == {
        world["hardship"].pk,
        world["plain"].pk,
    }
    data = _form(member_client, world["plain"])
    assert member_client.post("/visits/log/", data).status_code == 302
    assert Visit.objects.get().household == world["plain"]


def test_photo_is_reencoded_without_exif_and_served_only_in_scope(
    member_client, world, client, secretary_b
):
    data = _form(member_client, world["plain"])
    data["photo"] = SimpleUploadedFile("p.jpg", _jpeg(), content_type="image/jpeg")
    member_client.post(f"/visits/log/{world['plain'].pk}/", data)
    visit = Visit.objects.get()
    assert visit.photo.startswith(f"visits/{testing.TOWNSHIP}/")
    with default_storage.open(visit.photo, "rb") as handle:
        stored = Image.open(handle)
        stored.load()
    assert stored.format == "JPEG" and not dict(stored.getexif())
    served = member_client.get(f"/visits/{visit.pk}/photo/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"SpyCam" not in b"".join(served.streaming_content)
    outsider = client.__class__()
    outsider.force_login(secretary_b)
    assert outsider.get(f"/visits/{visit.pk}/photo/").status_code == 404
    assert outsider.get(f"/visits/{visit.pk}/").status_code == 404
    assert outsider.get(f"/media/{visit.photo}").status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"%PDF-1.4 not a picture", "not a photo we can read"),
        (b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10), "larger than 5 MB"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_stored(member_client, world, upload, message):
    data = _form(member_client, world["plain"])
    data["photo"] = SimpleUploadedFile("p.jpg", upload, content_type="image/jpeg")
    response = member_client.post(f"/visits/log/{world['plain'].pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()
    assert not default_storage.exists("visits")


def test_a_secretary_logs_in_their_village_only(client, world, secretary_a, secretary_b):
    client.force_login(secretary_a)
    data = _form(client, world["unpaired"])
    assert client.post(f"/visits/log/{world['unpaired'].pk}/", data).status_code == 302
    assert client.get(f"/visits/log/{world['far'].pk}/").status_code == 404
    visit = Visit.objects.get()
    assert visit.member is None and visit.created_by == secretary_a
    assert client.get("/visits/list/").context["page"].object_list[0] == visit
    client.force_login(secretary_b)
    assert client.get(f"/visits/{visit.pk}/").status_code == 404
    assert list(client.get("/visits/list/").context["page"].object_list) == []


def test_root_sends_members_to_their_field_home(client, world, township_admin):
    client.force_login(world["user"])
    assert client.get("/").url == "/visits/"
    client.force_login(township_admin)
    assert client.get("/").status_code == 200


def test_overview_is_for_cadres(client, world, secretary_a):
    client.force_login(world["user"])
    assert client.get("/visits/overview/").status_code == 403
    client.force_login(secretary_a)
    response = client.get("/visits/overview/")
    assert response.status_code == 200
    assert [r.code for r in response.context["rollup"]["villages"]] == [testing.VILLAGE_A]
    assert client.get(f"/visits/overview/?area={testing.VILLAGE_B}").status_code == 404


def test_policy_page_edits_for_the_township_admin_only(admin_client, client, world, secretary_a):
    hardship = world["tags"]["hardship"]
    page = admin_client.get("/visits/policies/")
    assert page.status_code == 200 and page.context["can_edit"]
    response = admin_client.post(
        "/visits/policies/save/",
        {"township": testing.TOWNSHIP, "tag": hardship.pk, "interval_days": "10", "version": "1"},
    )
    assert response.status_code == 302
    assert hardship.visit_policies.get().interval_days == 10
    # Emptying a tag's interval drops its policy: the default applies.
    admin_client.post(
        "/visits/policies/save/",
        {"township": testing.TOWNSHIP, "tag": hardship.pk, "interval_days": ""},
    )
    assert not hardship.visit_policies.exists()
    client.force_login(secretary_a)
    assert not client.get("/visits/policies/").context["can_edit"]
    denied = client.post(
        "/visits/policies/save/", {"township": testing.TOWNSHIP, "interval_days": "5"}
    )
    assert denied.status_code == 403


def test_field_pages_take_a_fixed_number_of_queries(
    member_client, world, django_assert_max_num_queries
):
    from .conftest import pair

    def count(path):
        with django_assert_max_num_queries(30) as ctx:
            assert member_client.get(path).status_code == 200
        return len(ctx.captured_queries)

    def visit(home):
        Visit.objects.create(
            household=home,
            member=world["member"],
            visited_on=timezone.localdate(),
            area=home.area,
            area_code=home.area_code,
            township_code=home.township_code,
            created_by=world["user"],
        )

    visit(world["plain"])
    before = {path: count(path) for path in ("/visits/", "/visits/mine/", "/visits/list/")}
    for seq in range(50, 60):
        home = testing.make_household(area_code=testing.VILLAGE_A + "001", seq=seq)
        pair(world["member"], home)
        visit(home)
    after = {path: count(path) for path in before}
    assert after == before


@pytest.mark.parametrize(
    "tampered",
    [
        {"tag": "x"},
        {"tag": "99999999999999999999999"},
        {"version": "abc"},
        {"version": "99999999999999999999999"},
        {"interval_days": "abc"},
        {"interval_days": "99999999999999999999999"},
    ],
)
def test_a_tampered_policy_form_is_refused_in_plain_words(admin_client, world, tampered):
    hardship = world["tags"]["hardship"]
    before = list(hardship.visit_policies.values_list("interval_days", "version"))
    data = {"township": testing.TOWNSHIP, "tag": hardship.pk, "interval_days": "10", **tampered}
    response = admin_client.post("/visits/policies/save/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "reload the page" in text or "from 1 to 366" in text
    assert list(hardship.visit_policies.values_list("interval_days", "version")) == before


def test_a_chosen_household_that_is_no_number_redisplays_the_form(member_client, world):
    page = member_client.get("/visits/log/")
    data = {
        "household": "1" * 5000,
        "visited_on": timezone.localdate().isoformat(),
        "kind": VisitKind.ROUTINE,
        "client_key": page.context["form"].initial["client_key"],
    }
    response = member_client.post("/visits/log/", data)
    assert response.status_code == 200 and response.context["form"].errors["household"]
    assert not Visit.objects.exists()
