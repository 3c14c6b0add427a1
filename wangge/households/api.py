from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.core.api_helpers import (
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    area_for_write,
    require_registry_write,
)
from wangge.households.models import Household, Tag
from wangge.households.selectors import (
    HouseholdFilters,
    household_for_user,
    household_list,
    tags_all,
)
from wangge.households.services import household_create, household_update, household_validate

router = Router(tags=["households"])


class HouseholdOut(Schema):
    id: int
    head_name: str
    head_id_masked: str
    phone_masked: str
    address: str
    size: int
    area_code: str
    tags: list[str]
    note: str
    version: int

    @staticmethod
    def resolve_tags(obj):
        return [tag.slug for tag in obj.tags.all()]


class HouseholdQuery(Schema):
    q: str | None = None
    area_code: str | None = None
    tag: str | None = None


class HouseholdIn(Schema):
    head_name: str
    head_id_number: str
    address: str
    area_code: str
    phone: str = ""
    size: int = 1
    tags: list[str] = []
    note: str = ""


class HouseholdPatch(Schema):
    version: int
    head_name: str | None = None
    head_id_number: str | None = None
    address: str | None = None
    area_code: str | None = None
    phone: str | None = None
    size: int | None = None
    tags: list[str] | None = None
    note: str | None = None


def _tags(user, slugs: list[str]) -> list[Tag]:
    found = list(tags_all(user).filter(slug__in=slugs))
    missing = sorted(set(slugs) - {t.slug for t in found})
    if missing:
        raise ValidationError({"tags": _("Unknown tags: %(t)s.") % {"t": ", ".join(missing)}})
    return found


@router.get("", response={200: list[HouseholdOut], **READ_ERRORS})
@paginate(Page)
def household_index(request, query: Query[HouseholdQuery]):
    filters = HouseholdFilters.from_params(query.dict(exclude_none=True))
    return household_list(request.user, filters).prefetch_related("tags")


@router.get("/{int:household_id}", response={200: HouseholdOut, **READ_ERRORS})
def household_detail(request, household_id: int):
    return household_for_user(request.user, household_id)


@router.post("", response={201: HouseholdOut, **WRITE_ERRORS})
def household_add(request, payload: HouseholdIn):
    data = household_validate(
        head_name=payload.head_name,
        head_id_number=payload.head_id_number,
        address=payload.address,
        area=area_for_write(request.user, payload.area_code),
        phone=payload.phone,
        size=payload.size,
        note=payload.note,
        tags=_tags(request.user, payload.tags),
    )
    return Status(201, household_create(actor=request.user, data=data))


@router.patch("/{int:household_id}", response={200: HouseholdOut, **WRITE_ERRORS})
def household_change(request, household_id: int, payload: HouseholdPatch):
    household: Household = household_for_user(request.user, household_id)
    require_registry_write(request.user, household.area_code)
    changes = payload.dict(exclude_unset=True)
    area = (
        area_for_write(request.user, changes["area_code"])
        if "area_code" in changes
        else household.area
    )
    tags = (
        _tags(request.user, changes["tags"])
        if changes.get("tags") is not None
        else list(household.tags.all())
    )
    data = household_validate(
        head_name=changes.get("head_name", household.head_name),
        head_id_number=changes.get("head_id_number") or household.head_id_number,
        address=changes.get("address", household.address),
        area=area,
        phone=changes.get("phone", household.phone),
        size=changes.get("size", household.size),
        note=changes.get("note", household.note),
        tags=tags,
    )
    return household_update(
        actor=request.user, household=household, data=data, expected_version=payload.version
    )
