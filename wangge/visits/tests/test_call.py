"""Issue 16: the paired member taps to call a household whose phone pages show masked."""

from wangge.audit.models import AuditEvent


def test_paired_member_taps_to_call_after_an_audited_reveal(client, world):
    """GIVEN a member paired with a household whose phone is shown masked
    WHEN they tap "call" on their visits page
    THEN they get a tel: link with the full number, recorded with the purpose 联系农户."""
    home = world["hardship"]
    client.force_login(world["user"])
    page = client.get("/visits/").content.decode()
    assert home.phone not in page
    assert f"/visits/call/{home.pk}/" in page

    answer = client.post(f"/visits/call/{home.pk}/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert f'href="tel:{home.phone}"' in answer.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == world["user"]
    assert event.detail["fields"] == ["phone"]
    assert event.detail["purpose"] == "联系农户"


def test_unpaired_household_cannot_be_called(client, world):
    client.force_login(world["user"])
    assert client.post(f"/visits/call/{world['unpaired'].pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()
