"""A village secretary on a 360 px phone seats a person on the hamlet's environment council,
then records the council's inspection of the hamlet with a score per item."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wangge import testing
from wangge.accounts.models import User
from wangge.campaigns.environment import item_add
from wangge.campaigns.models import Inspection
from wangge.grids.councils import council_create
from wangge.grids.models import CouncilSeat
from wangge.grids.services import person_create
from wangge.regions.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HAMLET_A = testing.VILLAGE_A + "001"


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways ({width} px)"


def test_secretary_seats_a_person_and_records_an_inspection(township_data, phone_page, log_in):
    secretary = User.objects.get(username="secretary-a")
    office = testing.make_user("office", "township_admin", testing.TOWNSHIP)
    for name in ("庭院整洁", "垃圾分类"):
        item_add(actor=office, township_code=testing.TOWNSHIP, name=name, max_points=25)
    council = council_create(actor=secretary, hamlet=Region.objects.get(code=HAMLET_A))
    person = person_create(actor=secretary, name="汪会长", area=Region.objects.get(code=HAMLET_A))
    page = phone_page
    log_in(page, "secretary-a")
    page.goto("/grids/councils/")
    _fits(page)
    page.goto(f"/grids/councils/{council.pk}/")
    page.select_option("#id_person", str(person.pk))
    page.fill("#id_role", "会长")
    page.click("form.card button.primary")
    expect(page.locator("ul.roster")).to_contain_text("汪会长")
    _fits(page)
    assert CouncilSeat.objects.get().role == "会长"
    page.goto("/campaigns/environment/new/")
    page.select_option("#id_hamlet", HAMLET_A)
    page.select_option("#id_council", str(council.pk))
    page.fill("#id_day", timezone.localdate().isoformat())
    for field in page.locator("input[name^=item_]").all():
        field.fill("20")
    page.click("form.card button.primary")
    page.wait_for_url(f"**/campaigns/environment/hamlet/{HAMLET_A}/")
    expect(page.locator("main")).to_contain_text("40")
    _fits(page)
    assert Inspection.objects.get().total == 40
