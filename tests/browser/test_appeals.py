"""A resident on a 360 px phone: scan the grid's QR code, send a request, follow it, rate it."""

import re

import pytest
from playwright.sync_api import expect

from wangge.appeals.models import Appeal, State
from wangge.appeals.posters import grid_qr_key
from wangge.appeals.services import appeal_accept, appeal_resolve
from wangge.core.notify import SmsGatewayBackend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _fill_public_form(page) -> None:
    """Fill the QR form as a resident would (the sum answered) and send it."""
    page.fill("#contact_name", "张大妈")
    page.fill("#contact_phone", "13912345678")
    page.fill("#address", "汪屋一组")
    page.select_option("#category", label="饮水供水")
    page.fill("#text", "家里自来水停了两天")
    question = page.locator("label[for=answer]").inner_text()
    a, b = map(int, re.search(r"(\d+) \+ (\d+)", question).groups())
    page.fill("#answer", str(a + b))
    page.locator("button.primary").click()


def test_resident_submits_from_the_qr_code_and_follows_it(phone_page, qr_grid):
    page = phone_page
    page.goto(f"/requests/q/{grid_qr_key(qr_grid['grid'])}/")
    expect(page.locator("h1")).to_be_visible()
    _fits(page)
    _fill_public_form(page)
    ticket = page.locator("#ticket").inner_text().strip()
    _fits(page)
    req = Appeal.objects.get(ticket=ticket)
    assert req.assignee_user == qr_grid["user"]
    page.screenshot(path="/tmp/wangge-request-done-phone.png", full_page=True)

    appeal_accept(actor=qr_grid["user"], appeal=req)
    appeal_resolve(actor=qr_grid["user"], appeal=req, note="已联系水厂抢修")

    page.get_by_role("link").last.click()
    page.fill("#ticket", ticket)
    page.fill("#phone", "13912345678")
    page.locator("form.card button.primary").last.click()
    expect(page.locator("#state")).to_be_visible()
    _fits(page)
    page.locator("input[name=rating][value=satisfied]").check()
    page.locator("form.card button.primary").first.click()
    expect(page.locator("[role=status]")).to_be_visible()
    req.refresh_from_db()
    assert req.state == State.RATED and req.rating == "satisfied"
    page.screenshot(path="/tmp/wangge-request-track-phone.png", full_page=True)


def test_wrong_phone_shows_nothing(phone_page, qr_grid):
    page = phone_page
    page.goto("/requests/track/")
    page.fill("#ticket", "261128-ABCDE")
    page.fill("#phone", "13900000000")
    page.locator("button.primary").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    _fits(page)


def test_member_handles_a_request_on_a_phone(phone_page, qr_grid, township_data, log_in):
    from wangge.appeals.models import Channel
    from wangge.appeals.services import appeal_create

    req = appeal_create(
        actor=qr_grid["user"],
        household=township_data["households"][0],
        category=None,
        text="<b>路灯</b>坏了，晚上很黑",
        channel=Channel.MEMBER,
    )
    page = phone_page
    log_in(page, "grid-member")
    page.goto("/requests/")
    _fits(page)
    page.get_by_role("link", name=req.ticket).click()
    expect(page.locator(".req-facts")).to_contain_text("<b>路灯</b>坏了")
    _fits(page)
    page.locator("button[value=accept]").click()
    expect(page.locator(".msg-success")).to_be_visible()
    page.fill("#note", "已联系电工更换灯泡")
    page.locator("button[value=resolve]").click()
    expect(page.locator(".timeline li")).to_have_count(3)
    _fits(page)
    req.refresh_from_db()
    assert req.state == State.RESOLVED
    page.screenshot(path="/tmp/wangge-request-detail-phone.png", full_page=True)


def _resident_request(qr_grid, text: str):
    """A request sent from the grid's QR code by 张大妈 (phone 13912345678)."""
    from wangge.appeals.models import Channel
    from wangge.appeals.services import appeal_create

    return appeal_create(
        actor=None,
        grid=qr_grid["grid"],
        category=None,
        text=text,
        channel=Channel.PUBLIC_QR,
        contact_name="张大妈",
        contact_phone="13912345678",
    )


def test_tracking_page_shows_what_was_sent_deadline_and_who(phone_page, qr_grid):
    """GIVEN a resident's request with markup in its text WHEN they look it up on a phone THEN
    the page shows the text as written (not as markup), the deadline and the grid member's name
    and grid, and no phone number."""
    req = _resident_request(qr_grid, "<script>alert(1)</script>井盖丢了")
    page = phone_page
    page.goto("/requests/track/")
    page.fill("#ticket", req.ticket)
    page.fill("#phone", "13912345678")
    page.locator("button.primary").click()
    expect(page.locator("#sent-text")).to_have_text("<script>alert(1)</script>井盖丢了")
    expect(page.locator("#deadline")).to_have_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))
    expect(page.locator("#handler")).to_contain_text("网格员甲")
    expect(page.locator("#handler")).to_contain_text("汪屋一组网格")
    assert "1391" not in page.locator("main").inner_text()
    assert not re.search(r"1[3-9]\d{9}", page.locator("main").inner_text())
    _fits(page)


def test_too_many_requests_message_gives_the_township_phone(phone_page, qr_grid, settings):
    settings.WANGGE_TOWNSHIP_PHONE = "0556-1234567"
    settings.WANGGE_PUBLIC_LIMITS = {"min_seconds": 0, "submit_per_phone": (0, 3600)}
    page = phone_page
    page.goto(f"/requests/q/{grid_qr_key(qr_grid['grid'])}/")
    _fill_public_form(page)
    expect(page.locator("main")).to_contain_text("0556-1234567")
    _fits(page)


def test_member_who_leads_the_grid_is_told_the_request_is_theirs(
    phone_page, qr_grid, township_data, log_in
):
    """GIVEN a member who leads the household's grid WHEN they record a request for it THEN
    the page says it came back to them to handle, instead of leaving them to find out."""
    household = township_data["households"][0]
    page = phone_page
    log_in(page, "grid-member")
    page.goto(f"/requests/new/?household={household.pk}")
    page.select_option("#category", label="饮水供水")
    page.fill("#text", "自来水停了")
    page.locator("button.primary").click()
    expect(page.locator(".msg-success")).to_contain_text("由您本人办理")
    expect(page.locator(".yours")).to_be_visible()
    assert Appeal.objects.get().assignee_user == qr_grid["user"]
    _fits(page)


def _camera_photo(tmp_path, size=(4000, 3000)):
    """A picture as big as a phone camera's: noise does not compress, so it is over 5 MB."""
    import os

    from PIL import Image

    path = tmp_path / "camera.jpg"
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(path, quality=95)
    assert path.stat().st_size > 5 * 1024 * 1024
    return path


def test_camera_photo_is_made_smaller_before_sending(phone_page, qr_grid, tmp_path):
    """GIVEN a camera photo over the 5 MB limit WHEN a resident attaches it on a phone THEN the
    browser shrinks it before sending and the request keeps the photo."""
    photo = _camera_photo(tmp_path)
    page = phone_page
    page.goto(f"/requests/q/{grid_qr_key(qr_grid['grid'])}/")
    page.set_input_files("#photo", str(photo))
    expect(page.locator("#photo-photo-note")).to_contain_text("MB", timeout=30_000)
    _fill_public_form(page)
    expect(page.locator("#ticket")).to_be_visible()
    appeal = Appeal.objects.get()
    assert appeal.photo
    assert appeal.photo.size < 2 * 1024 * 1024


def test_public_form_shows_every_mistake_at_once(phone_page, qr_grid):
    """GIVEN a form with no name, a wrong phone number and a wrong sum WHEN it is sent THEN all
    three mistakes are shown together, each at its field."""
    page = phone_page
    page.goto(f"/requests/q/{grid_qr_key(qr_grid['grid'])}/")
    page.fill("#contact_phone", "12345")
    page.select_option("#category", label="饮水供水")
    page.fill("#text", "家里自来水停了两天")
    page.fill("#answer", "99")
    page.evaluate("document.querySelector('form[enctype]').noValidate = true")
    page.locator("button.primary").click()
    expect(page.locator("#contact_name + .errorlist")).to_be_visible()
    expect(page.locator("#contact_phone + .errorlist")).to_be_visible()
    expect(page.locator("#answer + .errorlist")).to_be_visible()
    assert not Appeal.objects.exists()
    _fits(page)


PUBLIC_FORM_BUDGET = 100 * 1024


def test_public_form_weighs_under_100_kb(phone_page, qr_grid, transferred):
    """A resident scanning the poster on a cheap phone and a slow network: the form and all
    it loads stay under 100 KB."""
    total, loaded = transferred(phone_page, f"/requests/q/{grid_qr_key(qr_grid['grid'])}/")
    assert any("/requests/q/" in u for u in loaded), loaded
    print(f"public form: {total:,} bytes in {len(loaded)} responses")
    assert 0 < total < PUBLIC_FORM_BUDGET, (total, loaded)


TEXTED: list[tuple[str, str]] = []


class CapturingGateway(SmsGatewayBackend):
    """An SMS gateway that keeps the texts instead of sending them."""

    def send_sms(self, phone, message):
        TEXTED.append((phone, message.subject))


def test_lost_ticket_found_again_by_phone_and_code(phone_page, qr_grid, settings):
    """GIVEN a resident who sent a request and lost the ticket number WHEN they give their
    phone THEN a code is texted to it; with the code the page lists the request and opens it.
    A number that sent nothing gets the same first answer and no text."""
    settings.WANGGE_NOTIFY_BACKEND = f"{__name__}.CapturingGateway"
    req = _resident_request(qr_grid, "井盖丢了")
    TEXTED.clear()  # the "request received" text
    page = phone_page
    page.goto("/requests/track/")
    page.get_by_role("link", name="忘记工单号").click()
    page.fill("#phone", "13800000000")
    page.locator("button.primary").click()
    expect(page.locator("[role=status]")).to_be_visible()
    stranger_answer = page.locator("[role=status]").inner_text()
    assert TEXTED == []

    page.goto("/requests/track/lost/")
    page.fill("#phone", "139 1234 5678")
    page.locator("button.primary").click()
    expect(page.locator("[role=status]")).to_have_text(stranger_answer)
    ((phone, text),) = TEXTED
    assert phone == "13912345678"
    code = re.search(r"\d{6}", text).group()
    page.fill("#code", "000000" if code != "000000" else "111111")
    page.locator("button.primary").click()
    expect(page.locator("[role=alert]")).to_be_visible()
    page.fill("#code", code)
    page.locator("button.primary").click()
    expect(page.locator(".recovered .ticket")).to_have_text(req.ticket)
    _fits(page)
    page.locator(".recovered button").click()
    expect(page.locator("#state")).to_be_visible()
    expect(page.locator("#sent-text")).to_have_text("井盖丢了")


def test_resident_can_switch_the_public_form_to_english(new_page, qr_grid):
    """GIVEN a resident whose phone asks for English WHEN they open the grid's form THEN it is
    in Chinese, with an English button that switches it (no account needed)."""
    page = new_page("phone", locale="en-US")
    page.goto(f"/requests/q/{grid_qr_key(qr_grid['grid'])}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Tell us your problem")
    _fits(page)
