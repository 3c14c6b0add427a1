import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import model_serializer

from wangge.accounts.scope import prefix_q
from wangge.core.api_helpers import (
    MAX_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    area_for_write,
    require_registry_write,
)
from wangge.party.hooks import annotate_for_api, api_field
from wangge.party.models import Gender, Member, Organisation, OrgCategory, OrgKind
from wangge.party.selectors import (
    MemberFilters,
    member_for_user,
    member_list,
    organisation_for_user,
    organisations_for_user,
)
from wangge.party.services import (
    member_create,
    member_update,
    member_validate,
    organisation_create,
    organisation_rename,
)

organisations_router = Router(tags=["organisations"])
members_router = Router(tags=["members"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrgKind
    category: OrgCategory
    parent_id: int | None
    area_code: str


class OrganisationIn(Schema):
    name: str
    kind: OrgKind
    category: OrgCategory = OrgCategory.VILLAGE
    area_code: str
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)


class OrganisationPatch(Schema):
    name: str


class OrganisationFilter(Schema):
    area_code: str | None = None
    kind: OrgKind | None = None


@organisations_router.get("", response={200: list[OrganisationOut], **READ_ERRORS})
@paginate(Page)
def organisation_list(request, filters: Query[OrganisationFilter]):
    qs = organisations_for_user(request.user)
    if filters.area_code:
        qs = qs.filter(prefix_q("area_code", filters.area_code))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


@organisations_router.get("/{int:org_id}", response={200: OrganisationOut, **READ_ERRORS})
def organisation_detail(request, org_id: int):
    return organisation_for_user(request.user, org_id)


@organisations_router.post("", response={201: OrganisationOut, **WRITE_ERRORS})
def organisation_add(request, payload: OrganisationIn):
    area = area_for_write(request.user, payload.area_code)
    parent = (
        _organisation(request.user, payload.parent_id, "parent_id") if payload.parent_id else None
    )
    org = organisation_create(
        actor=request.user,
        name=payload.name,
        kind=payload.kind,
        category=payload.category,
        area=area,
        parent=parent,
    )
    return Status(201, org)


@organisations_router.patch("/{int:org_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def organisation_change(request, org_id: int, payload: OrganisationPatch):
    org = organisation_for_user(request.user, org_id)
    require_registry_write(request.user, org.area_code)
    return organisation_rename(actor=request.user, organisation=org, name=payload.name)


class MemberOut(Schema):
    id: int
    name: str
    gender: Gender
    birth_date: datetime.date
    id_masked: str
    phone_masked: str
    organisation_id: int
    area_code: str
    joined_on: datetime.date | None
    is_mobile: bool
    mobile_whereabouts: str
    version: int
    # The member's public page (三亮), added by assessment; absent when the page is hidden.
    public_url: str | None = None

    @staticmethod
    def resolve_public_url(obj, context) -> str | None:
        return api_field("public_url", obj, context["request"] if context else None)

    @model_serializer(mode="wrap")
    def _leave_out_hidden(self, handler):
        data = handler(self)
        if data.get("public_url") is None:
            data.pop("public_url", None)
        return data


class MemberQuery(Schema):
    q: str | None = None
    area_code: str | None = None
    organisation: int | None = Field(None, ge=1, le=MAX_ID)
    age_band: str | None = None
    mobile: bool | None = None


class MemberIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    organisation_id: int
    area_code: str
    joined_on: datetime.date | None = None
    is_mobile: bool = False
    mobile_whereabouts: str = ""


class MemberPatch(Schema):
    version: int
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    organisation_id: int | None = None
    area_code: str | None = None
    joined_on: datetime.date | None = None
    is_mobile: bool | None = None
    mobile_whereabouts: str | None = None


def _organisation(user, org_id: int, field: str = "organisation_id") -> Organisation:
    org = organisations_for_user(user).filter(pk=org_id).first()
    if org is None:
        raise ValidationError({field: _("No organisation with this id in your scope.")})
    return org


@members_router.get("", response={200: list[MemberOut], **READ_ERRORS})
@paginate(Page)
def member_index(request, query: Query[MemberQuery]):
    mobile = None if query.mobile is None else ("1" if query.mobile else "0")
    filters = MemberFilters.from_params({**query.dict(exclude_none=True), "mobile": mobile})
    return annotate_for_api(member_list(request.user, filters))


@members_router.get("/{int:member_id}", response={200: MemberOut, **READ_ERRORS})
def member_detail(request, member_id: int):
    return member_for_user(request.user, member_id)


@members_router.post("", response={201: MemberOut, **WRITE_ERRORS})
def member_add(request, payload: MemberIn):
    area = area_for_write(request.user, payload.area_code)
    data = member_validate(
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        organisation=_organisation(request.user, payload.organisation_id),
        area=area,
        joined_on=payload.joined_on,
        is_mobile=payload.is_mobile,
        mobile_whereabouts=payload.mobile_whereabouts,
    )
    return Status(201, member_create(actor=request.user, data=data))


@members_router.patch("/{int:member_id}", response={200: MemberOut, **WRITE_ERRORS})
def member_change(request, member_id: int, payload: MemberPatch):
    member: Member = member_for_user(request.user, member_id)
    require_registry_write(request.user, member.area_code)
    changes = payload.dict(exclude_unset=True)
    area = (
        area_for_write(request.user, changes["area_code"])
        if "area_code" in changes
        else member.area
    )
    organisation = (
        _organisation(request.user, changes["organisation_id"])
        if "organisation_id" in changes
        else member.organisation
    )
    data = member_validate(
        name=changes.get("name", member.name),
        id_number=changes.get("id_number") or member.id_number,
        phone=changes.get("phone", member.phone),
        organisation=organisation,
        area=area,
        joined_on=changes.get("joined_on", member.joined_on),
        is_mobile=changes.get("is_mobile", member.is_mobile),
        mobile_whereabouts=changes.get("mobile_whereabouts", member.mobile_whereabouts),
    )
    return member_update(
        actor=request.user, member=member, data=data, expected_version=payload.version
    )
