"""Party members in a spreadsheet: the ``members`` import kind (registered with the imports app)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.scope import visible
from wangge.core.identity import mask_name
from wangge.imports.bulk import insert_rows, present_values
from wangge.imports.kinds import (
    AreaResolver,
    Column,
    ImportKind,
    area_columns,
    area_names,
    area_parts,
    chunked_in,
    column_values,
    register,
)
from wangge.imports.pipeline import LOOKUP_CHUNK, in_scope
from wangge.imports.spreadsheets import cell_bool, cell_date, cell_id_number, cell_phone
from wangge.party.hooks import members_created
from wangge.party.models import Member, Organisation
from wangge.party.selectors import MemberFilters, member_list
from wangge.party.services import MemberData, member_validate


@dataclass
class MemberContext:
    areas: AreaResolver
    organisations: dict[str, list[Organisation]]


class MemberImport(ImportKind):
    name = "members"
    label = gettext_lazy("Party members")
    object_type = "party.member"
    key_field = "id_number"
    key_attr = "id_hash"
    required = ("name", "id_number", "organisation")
    model = Member
    masked = {"id_number": ("id_number", "id_masked"), "phone": ("phone", "phone_masked")}
    field_headers = {"mobile_whereabouts": "whereabouts"}

    def all_columns(self) -> list[Column]:
        return [
            Column("name", "姓名", note=_("Full name (required)."), example="王建国"),
            Column(
                "id_number",
                "身份证号",
                cell_id_number,
                aliases=("身份证号码", "公民身份号码"),
                width=22,
                text=True,
                note=_(
                    "18-character national ID number (required). The column is formatted as "
                    "text: keep it so, or Excel will change the last digits."
                ),
                example="340827196005010011",
            ),
            Column(
                "birth_date",
                "出生日期",
                cell_date,
                note=_("Optional; if given it must match the ID number."),
                example="1960-05-01",
            ),
            Column(
                "phone",
                "手机号",
                cell_phone,
                aliases=("手机号码", "联系电话", "电话"),
                width=16,
                text=True,
                note=_("11-digit mobile number (optional)."),
                example="13912345678",
            ),
            Column(
                "organisation",
                "所在支部",
                aliases=("支部", "所在党支部", "党组织"),
                width=22,
                note=_("Name of the Party branch as in the system (required)."),
                example="湖滨村党支部",
            ),
            *area_columns(),
            Column(
                "joined_on",
                "入党日期",
                cell_date,
                aliases=("入党时间",),
                note=_("Date of joining the Party: 2021-03-05, 2021/3/5 or 2021.3.5."),
                example="1985-07-01",
            ),
            Column(
                "is_mobile",
                "是否流动党员",
                cell_bool,
                aliases=("流动党员",),
                note=_("是 or 否 (empty means 否)."),
                example="否",
            ),
            Column(
                "whereabouts",
                "流动去向",
                aliases=("外出地点",),
                width=20,
                note=_("Where a mobile member is now (required when 是流动党员)."),
                example="",
            ),
        ]

    def context(self, *, user, prefixes, rows, mapping) -> MemberContext:
        names = column_values(rows, mapping, "organisation")
        organisations: dict[str, list[Organisation]] = defaultdict(list)
        if names:
            for org in chunked_in(visible(Organisation.objects.all(), user), "name", sorted(names)):
                organisations[org.name].append(org)
        areas = AreaResolver(
            prefixes=prefixes,
            codes=column_values(rows, mapping, "area_code"),
            village_names=column_values(rows, mapping, "village"),
        )
        return MemberContext(areas=areas, organisations=organisations)

    def build(self, values: dict, context: MemberContext) -> MemberData:
        errors: dict[str, str] = {}
        area, area_key, problem = context.areas.resolve(values)
        if problem:
            errors[area_key] = problem
        org_name = values.get("organisation") or ""
        organisation = None
        if org_name:
            options = context.organisations.get(org_name, [])
            if len(options) > 1 and area is not None:
                near = [o for o in options if area.code.startswith(o.area_code)]
                options = near or options
            if not options:
                errors["organisation"] = _(
                    "There is no branch named %(n)s in your area. Use the name shown in the system."
                ) % {"n": org_name}
            elif len(options) > 1:
                errors["organisation"] = _(
                    "Several branches are named %(n)s; ask the township office to rename one."
                ) % {"n": org_name}
            else:
                organisation = options[0]
        try:
            data = member_validate(
                name=values.get("name", ""),
                id_number=values.get("id_number", ""),
                phone=values.get("phone", ""),
                organisation=organisation,
                area=area,
                birth_date=values.get("birth_date"),
                joined_on=values.get("joined_on"),
                is_mobile=values.get("is_mobile", False),
                mobile_whereabouts=values.get("whereabouts", ""),
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                # Our own message about the branch or the area cells says more than the
                # validator's "choose one".
                if key not in errors and not (key == "area" and problem):
                    errors[key] = messages[0]
            raise ValidationError(errors) from exc
        if errors:
            raise ValidationError(errors)
        return data

    def key(self, data: MemberData) -> str:
        return data.id_hash

    def existing(self, keys: list[str]) -> dict[str, Member]:
        keys = sorted(present_values(Member, "id_hash", keys))
        # The ID number itself is known to be equal (same keyed hash): don't decrypt it.
        members = Member.objects.defer("id_number")
        return {m.id_hash: m for m in chunked_in(members, "id_hash", keys)}

    def conflicts(self, keys: list[str]) -> dict[str, str]:
        return {}

    def match_problem(self, record: Member, data: MemberData, prefixes: list[str]) -> str:
        if not in_scope(record.area_code, prefixes):
            return _(
                "This ID number belongs to a member registered outside your area; "
                "ask the township office to move them."
            )
        if record.name != data.name:
            return _(
                "This ID number already belongs to another person (%(name)s) in the registry. "
                "Check the number."
            ) % {"name": mask_name(record.name)}
        return ""

    _compared = (
        "id_hash",
        "name",
        "phone",
        "organisation_id",
        "area_code",
        "joined_on",
        "is_mobile",
        "mobile_whereabouts",
    )

    def _values(self, data: MemberData) -> dict:
        values = data.field_values()
        values["organisation_id"] = data.organisation.pk
        return values

    def changed(self, record: Member, data: MemberData) -> bool:
        values = self._values(data)
        return any(getattr(record, f) != values[f] for f in self._compared)

    def commit(self, *, creates, updates, batch_size, after_batch) -> None:
        insert_rows(
            Member,
            [p.data.field_values() for p in creates],
            batch_size=batch_size,
            after_batch=after_batch,
        )
        keys = [p.data.id_hash for p in creates]
        for start in range(0, len(keys), LOOKUP_CHUNK):
            members_created(Member.objects.filter(id_hash__in=keys[start : start + LOOKUP_CHUNK]))
        fields = [
            "name",
            "id_number",
            "id_hash",
            "id_masked",
            "gender",
            "birth_date",
            "phone",
            "phone_masked",
            "organisation",
            "area",
            "area_code",
            "township_code",
            "joined_on",
            "is_mobile",
            "mobile_whereabouts",
            "version",
            "updated_at",
        ]
        now = timezone.now()
        records = []
        for item in updates:
            record = item.existing
            for name, value in item.data.field_values().items():
                setattr(record, name, value)
            record.version += 1
            record.updated_at = now
            records.append(record)
        Member.objects.bulk_update(records, fields, batch_size=batch_size)

    def export_queryset(self, *, user, params):
        filters = MemberFilters.from_params(params)
        return member_list(user, filters), filters

    # Export: the system number, then the template's columns, so the file imports back.
    def export_rows(self, queryset, *, unmasked: bool = False):
        queryset = queryset.select_related("organisation")
        names = area_names(queryset.values_list("area_code", flat=True))
        for m in queryset.iterator(chunk_size=2000):
            village, hamlet, group = area_parts(m.area_code, names)
            yield [
                m.pk,
                m.name,
                m.id_number if unmasked else m.id_masked,
                m.birth_date,
                m.phone if unmasked else m.phone_masked,
                m.organisation.name,
                m.area_code,
                village,
                hamlet,
                group,
                m.joined_on,
                "是" if m.is_mobile else "否",
                m.mobile_whereabouts,
            ]


register(MemberImport())
