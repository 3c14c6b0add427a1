import datetime

import pytest
from django.core.exceptions import ValidationError

from wangge import testing
from wangge.audit.models import AuditEvent
from wangge.core.errors import ConflictError
from wangge.party.models import Member
from wangge.party.services import member_create, member_update, member_validate
from wangge.regions.models import Region


def _data(**overrides):
    area = Region.objects.get(code=testing.VILLAGE_A + "001")
    values = {
        "name": "汪大勇",
        "id_number": testing.make_id(datetime.date(1958, 7, 9), 11),
        "phone": "13912345678",
        "organisation": testing.branch_for(testing.VILLAGE_A, "湖滨村支部"),
        "area": area,
    }
    values.update(overrides)
    return member_validate(**values)


def test_create_derives_gender_and_birth_date_and_audits(regions, township_admin):
    member = member_create(actor=township_admin, data=_data())
    assert member.birth_date == datetime.date(1958, 7, 9)
    assert member.gender == "M"
    assert member.id_masked.endswith(member.id_number[-4:])
    assert member.phone_masked == "139****5678"
    assert AuditEvent.objects.filter(action="member.create", object_id=str(member.pk)).exists()


def test_birth_date_must_match_id(regions):
    with pytest.raises(ValidationError) as err:
        _data(birth_date=datetime.date(1958, 7, 10))
    assert "1958-07-09" in str(err.value.message_dict["birth_date"])


def test_id_used_by_another_member_is_refused(regions):
    member_create(actor=None, data=_data())
    with pytest.raises(ValidationError) as err:
        member_create(actor=None, data=_data(name="另一人"))
    assert "id_number" in err.value.message_dict
    assert Member.objects.count() == 1


def test_stale_edit_does_not_overwrite(regions):
    member = member_create(actor=None, data=_data())
    member_update(actor=None, member=member, data=_data(name="第一次"), expected_version=1)
    with pytest.raises(ConflictError):
        member_update(actor=None, member=member, data=_data(name="第二次"), expected_version=1)
    assert Member.objects.get().name == "第一次"
