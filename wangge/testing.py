"""Test data made through the real services: a township with two villages and personas."""

import datetime
import random
import re
import zlib

from wangge.accounts.models import Role, RoleAssignment, User
from wangge.accounts.tokens import token_issue
from wangge.accounts.twofactor import confirmed_device
from wangge.core.identity import check_character
from wangge.core.reveal import purposes_for_area
from wangge.households.models import Tag
from wangge.households.seed import seed_tags
from wangge.households.services import household_create, household_validate
from wangge.party.models import Organisation, OrgCategory, OrgKind
from wangge.party.services import member_create, member_validate
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Region

PASSWORD = "Test-pass-2026"
TOWNSHIP = "340827200"
VILLAGE_A = "340827200200"  # 湖滨村
VILLAGE_B = "340827200201"  # 太华村


def make_id(birth: datetime.date, seq: int, area: str = "340827") -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_character(first17)


def make_mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def build_regions() -> dict[str, Region]:
    rows = [
        ("340827", "望江县", "county", None),
        (TOWNSHIP, "凉泉乡", "township", "340827"),
        (VILLAGE_A, "湖滨村委会", "village", TOWNSHIP),
        (VILLAGE_B, "太华村委会", "village", TOWNSHIP),
        (VILLAGE_A + "001", "汪屋", "hamlet", VILLAGE_A),
        (VILLAGE_A + "001001", "汪屋一组", "group", VILLAGE_A + "001"),
        (VILLAGE_B + "001", "郭屋", "hamlet", VILLAGE_B),
        (VILLAGE_B + "001001", "郭屋一组", "group", VILLAGE_B + "001"),
    ]
    out: dict[str, Region] = {}
    for code, name, level, parent in rows:
        out[code] = Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    return out


def build_tags() -> list[Tag]:
    return seed_tags()


def make_user(username: str, role: Role | None, area_code: str | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
    if role is not None and area_code is not None:
        RoleAssignment.objects.create(user=user, role=role, area_id=area_code)
    return user


def make_member_user(
    username: str, area_code: str, seq: int, *, name: str = "", role: Role = Role.MEMBER
) -> User:
    """A Party member (in ``area_code``) with a login of ``role`` over their village."""
    member = make_member(area_code=area_code, seq=seq, name=name or f"党员{seq}")
    user = make_user(username, role, area_code[:12])
    user.member = member
    user.save(update_fields=["member"])
    return user


def branch_for(area_code: str, name: str) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        area_id=area_code,
        name=name,
        defaults={
            "kind": OrgKind.BRANCH,
            "category": OrgCategory.VILLAGE,
            "area_code": area_code,
            "township_code": township_of(area_code),
        },
    )
    return org


def make_member(*, area_code: str, seq: int, name: str = "王建国", birth=None, actor=None):
    birth = birth or datetime.date(1960, 5, 1)
    area = Region.objects.get(code=area_code)
    data = member_validate(
        name=name,
        id_number=make_id(birth, seq),
        phone=f"139{seq:08d}",
        organisation=branch_for(village_of(area_code), f"{village_of(area_code)}支部"),
        area=area,
    )
    return member_create(actor=actor, data=data)


def make_household(*, area_code: str, seq: int, head_name: str = "李大毛", tags=(), actor=None):
    area = Region.objects.get(code=area_code)
    data = household_validate(
        head_name=head_name,
        head_id_number=make_id(datetime.date(1955, 3, 3), seq),
        address=f"{area.name}{seq}号",
        area=area,
        phone=f"138{seq:08d}",
        size=3,
        tags=list(tags),
    )
    return household_create(actor=actor, data=data)


def api_token(user) -> str:
    """A bearer token as the API issues it: with the user's authenticator when they have one
    (as if the 6-digit code had been given)."""
    raw, _token = token_issue(user=user, otp_device=confirmed_device(user))
    return raw


def reveal_data(area_code: str, reason: str, *, code: str = "hukou") -> dict:
    """The reveal form's POST: one of the township's seeded purposes and the user's words."""
    purpose = purposes_for_area(area_code).get(code=code)
    return {"purpose": str(purpose.pk), "reason": reason}


def pdf_text_maps(content: bytes) -> str:
    """The ToUnicode maps of a PDF's fonts: which characters its text is drawn with, so the
    text can be searched and copied (a PDF of pictures has none)."""
    maps = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        if b"begincmap" in data:
            maps.append(data.decode("latin-1"))
    return "\n".join(maps)
