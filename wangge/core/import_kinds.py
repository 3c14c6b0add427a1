"""What members and households look like in a spreadsheet: columns, how a row becomes validated
data (through the domain validators), how it matches existing records, and how it is written."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.bulk import insert_rows, present_values
from wangge.core.identity import mask_name
from wangge.core.importing import LOOKUP_CHUNK, in_scope
from wangge.core.spreadsheets import (
    SheetColumn,
    SpreadsheetError,
    cell_bool,
    cell_date,
    cell_id_number,
    cell_int,
    cell_phone,
    cell_text,
)
from wangge.households.models import Household, Resident, Tag
from wangge.households.services import HouseholdData, household_validate
from wangge.party.models import Member, Organisation
from wangge.party.services import MemberData, member_validate
from wangge.regions.models import Region


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    convert: Callable[[Any], Any] = cell_text
    aliases: tuple[str, ...] = ()
    width: int = 14
    text: bool = False
    note: str = ""
    example: str = ""

    def sheet_column(self) -> SheetColumn:
        return SheetColumn(self.header, self.width, self.text, self.note, self.example)


def _area_columns() -> list[Column]:
    return [
        Column(
            "area_code",
            "区划代码",
            width=20,
            text=True,
            note=_(
                "Statistical code of the village (12 digits), hamlet (15) or villager group (18). "
                "Fill this, or the village / hamlet / group names."
            ),
            example="340827200200001",
        ),
        Column(
            "village",
            "村",
            aliases=("村(社区)", "村（社区）", "行政村", "村委会"),
            note=_("Village or community name, e.g. 湖滨村. Searched within your township."),
            example="湖滨村",
        ),
        Column(
            "hamlet",
            "自然村",
            aliases=("屋场", "自然村(屋场)", "自然村（屋场）"),
            note=_("Natural village / hamlet inside that village (optional)."),
            example="汪屋",
        ),
        Column(
            "group",
            "村民组",
            aliases=("组",),
            note=_("Villager group inside that hamlet (optional)."),
            example="汪屋一组",
        ),
    ]


_COMMITTEE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "委员会")


def village_key(name: str) -> str:
    """湖滨村委会, 湖滨村 and 湖滨 are the same village; 凉泉社区居委会 and 凉泉社区 too."""
    text = re.sub(r"\s", "", name or "")
    for suffix in _COMMITTEE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    for suffix in ("社区", "村"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class AreaResolver:
    """Finds the area of a row from its code or its village / hamlet / group names."""

    def __init__(self, *, prefixes: list[str], codes: set[str], village_names: set[str]):
        self.by_code = {r.code: r for r in _chunked_in(Region.objects.all(), "code", sorted(codes))}
        self._cache: dict[tuple, tuple] = {}
        keys = {village_key(n) for n in village_names if n}
        self.villages: dict[str, list[Region]] = defaultdict(list)
        self.children: dict[str, list[Region]] = defaultdict(list)
        if keys and prefixes:
            scope = reduce(or_, (Q(code__startswith=p) for p in prefixes))
            # Villages of the user's townships: a village secretary may name a neighbour
            # (refused later with a scope message rather than "not found").
            townships = {p[:9] for p in prefixes if len(p) >= 9}
            if townships:
                scope = reduce(or_, (Q(code__startswith=t) for t in townships))
            names = reduce(or_, (Q(name__startswith=k) for k in keys))
            for village in Region.objects.filter(scope, names, level="village"):
                self.villages[village_key(village.name)].append(village)
            found = [v.code for vs in self.villages.values() for v in vs]
            if found:
                below = Region.objects.filter(
                    reduce(or_, (Q(code__startswith=c) for c in found)),
                    level__in=["hamlet", "group"],
                )
                for region in below:
                    self.children[region.parent_id].append(region)

    def resolve(self, values: dict) -> tuple[Region | None, str, str]:
        """(area, column, problem) — problem empty when found or when nothing was given."""
        get = values.get
        key = (get("area_code"), get("village"), get("hamlet"), get("group"))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(values)
        return found

    def _resolve(self, values: dict) -> tuple[Region | None, str, str]:
        code = values.get("area_code") or ""
        if code:
            region = self.by_code.get(code)
            if region is None:
                return None, "area_code", _("There is no area with the code %(c)s.") % {"c": code}
            return region, "area_code", ""
        village_name = values.get("village") or ""
        if not village_name:
            return None, "village", ""
        found = self.villages.get(village_key(village_name), [])
        if not found:
            return (
                None,
                "village",
                _("There is no village named %(n)s in your township.") % {"n": village_name},
            )
        if len(found) > 1:
            return (
                None,
                "village",
                _("Several villages are named %(n)s; fill the 区划代码 column instead.")
                % {"n": village_name},
            )
        area = found[0]
        for level_key in ("hamlet", "group"):
            name = values.get(level_key) or ""
            if not name:
                break
            options = self.children.get(area.code, [])
            match = [r for r in options if r.name == name or r.name == area.name + name]
            if len(match) != 1:
                return (
                    None,
                    level_key,
                    _("%(parent)s has no %(level)s named %(n)s.")
                    % {
                        "parent": area.name,
                        "level": _("hamlet") if level_key == "hamlet" else _("villager group"),
                        "n": name,
                    },
                )
            area = match[0]
        return area, "village", ""


def _chunked_in(queryset, field_name: str, values: list) -> Iterable:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + LOOKUP_CHUNK]})


def _column_values(rows, mapping, key: str) -> set[str]:
    index = next((i for i, c in mapping.items() if c.key == key), None)
    if index is None:
        return set()
    out = set()
    for _row, cells in rows:
        value = cells[index]
        if isinstance(value, str) and value.strip():
            out.add(value.strip()[:200])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out.add(cell_text(value))
    return out


class ImportKind(ABC):
    name = ""
    object_type = ""
    key_field = ""
    required: tuple[str, ...] = ()
    field_headers: dict[str, str] = {}

    @abstractmethod
    def all_columns(self) -> list[Column]:
        """Every column of this kind's template, in order."""

    def map_headers(self, headers: list[str]) -> dict[int, Column]:
        """Map header positions to columns; refuse missing required and unknown headers."""
        lookup = {}
        for column in self.all_columns():
            for label in (column.header, *column.aliases):
                lookup[label.replace(" ", "")] = column
        mapping: dict[int, Column] = {}
        unknown = []
        for index, header in enumerate(headers):
            if not header:
                continue
            column = lookup.get(header)
            if column is None:
                unknown.append(header)
            elif column not in mapping.values():
                mapping[index] = column
        present = {c.key for c in mapping.values()}
        header_of = {c.key: c.header for c in self.all_columns()}
        missing = [header_of[key] for key in self.required if key not in present]
        if "area_code" not in present and "village" not in present:
            missing.append(_("区划代码 or 村"))
        if missing or unknown:
            parts = []
            if missing:
                parts.append(_("missing columns: %(cols)s") % {"cols": "、".join(missing)})
            if unknown:
                parts.append(_("unknown columns: %(cols)s") % {"cols": "、".join(unknown)})
            raise SpreadsheetError(
                _(
                    "The header row does not match the template (%(detail)s). Download the "
                    "template and copy your data into it."
                )
                % {"detail": "; ".join(parts)}
            )
        return mapping

    def header_for(self, key: str, mapping: dict[int, Column]) -> str:
        key = self.field_headers.get(key, key)
        if key == "area":
            keys = {c.key for c in mapping.values()}
            key = "area_code" if "area_code" in keys else "village"
        for column in self.all_columns():
            if column.key == key:
                return column.header
        return ""

    def template_columns(self) -> list[SheetColumn]:
        return [c.sheet_column() for c in self.all_columns()]


# --- members --------------------------------------------------------------------------------


@dataclass
class MemberContext:
    areas: AreaResolver
    organisations: dict[str, list[Organisation]]


class MemberImport(ImportKind):
    name = "members"
    object_type = "party.member"
    key_field = "id_number"
    required = ("name", "id_number", "organisation")
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
            *_area_columns(),
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
        from wangge.accounts.scope import visible

        names = _column_values(rows, mapping, "organisation")
        organisations: dict[str, list[Organisation]] = defaultdict(list)
        if names:
            for org in _chunked_in(
                visible(Organisation.objects.all(), user), "name", sorted(names)
            ):
                organisations[org.name].append(org)
        areas = AreaResolver(
            prefixes=prefixes,
            codes=_column_values(rows, mapping, "area_code"),
            village_names=_column_values(rows, mapping, "village"),
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
        return {m.id_hash: m for m in _chunked_in(members, "id_hash", keys)}

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
        fields = [
            "name",
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

    # Export: the same columns as the template, so an unmasked export imports back.
    def export_rows(self, queryset, *, unmasked: bool = False):
        queryset = queryset.select_related("organisation")
        names = _area_names(queryset.values_list("area_code", flat=True))
        for m in queryset.iterator(chunk_size=2000):
            village, hamlet, group = _area_parts(m.area_code, names)
            yield [
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


# --- households -----------------------------------------------------------------------------


@dataclass
class HouseholdContext:
    areas: AreaResolver
    tags: dict[str, Tag] = field(default_factory=dict)
    tag_names: str = ""
    _parsed: dict[str, tuple[list[Tag], str]] = field(default_factory=dict)

    def parse_tags(self, text: str) -> tuple[list[Tag], str]:
        """Tags named in a cell (separated by 、 , ;) and a problem message, cached per text."""
        if text not in self._parsed:
            tags: list[Tag] = []
            problem = ""
            for label in _TAG_SPLIT.split(text):
                if not label:
                    continue
                tag = self.tags.get(label) or self.tags.get(label.lower())
                if tag is None:
                    problem = _("%(t)s is not a household type. Use: %(names)s.") % {
                        "t": label,
                        "names": self.tag_names,
                    }
                    break
                if tag not in tags:
                    tags.append(tag)
            self._parsed[text] = (tags, problem)
        tags, problem = self._parsed[text]
        return list(tags), problem


_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")


class HouseholdImport(ImportKind):
    name = "households"
    object_type = "households.household"
    key_field = "head_id_number"
    required = ("head_name", "head_id_number", "address")

    def all_columns(self) -> list[Column]:
        return [
            Column(
                "head_name", "户主姓名", note=_("Head of household (required)."), example="李大毛"
            ),
            Column(
                "head_id_number",
                "户主身份证号",
                cell_id_number,
                aliases=("户主身份证号码", "身份证号"),
                width=22,
                text=True,
                note=_(
                    "Head's 18-character ID number (required). The column is formatted as "
                    "text: keep it so, or Excel will change the last digits."
                ),
                example="340827195503030012",
            ),
            Column(
                "phone",
                "联系电话",
                cell_phone,
                aliases=("手机号", "手机号码", "电话"),
                width=16,
                text=True,
                note=_("Mobile number or landline with area code (optional)."),
                example="13812345678",
            ),
            Column(
                "size",
                "家庭人口",
                cell_int,
                aliases=("人口", "家庭人数"),
                note=_("Number of people, 1–30 (empty means 1)."),
                example="3",
            ),
            *_area_columns(),
            Column(
                "address",
                "地址",
                aliases=("家庭住址", "住址"),
                width=28,
                note=_("Address (required)."),
                example="汪屋12号",
            ),
            Column(
                "tags",
                "户类型",
                aliases=("标签", "类型"),
                width=20,
                note=_("Household types and flags separated by 、 e.g. 家庭困难户、留守老人."),
                example="家庭困难户、留守老人",
            ),
            Column("note", "备注", width=24, note=_("Anything else (optional).")),
        ]

    def context(self, *, user, prefixes, rows, mapping) -> HouseholdContext:
        areas = AreaResolver(
            prefixes=prefixes,
            codes=_column_values(rows, mapping, "area_code"),
            village_names=_column_values(rows, mapping, "village"),
        )
        tags: dict[str, Tag] = {}
        all_tags = list(Tag.objects.order_by("kind", "sort"))
        for tag in all_tags:
            for label in (tag.slug, tag.name_en.lower(), tag.name):
                if label:
                    tags[label] = tag
        return HouseholdContext(
            areas=areas, tags=tags, tag_names="、".join(t.name for t in all_tags)
        )

    def build(self, values: dict, context: HouseholdContext) -> HouseholdData:
        errors: dict[str, str] = {}
        area, area_key, problem = context.areas.resolve(values)
        if problem:
            errors[area_key] = problem
        tags, problem_tag = context.parse_tags(values.get("tags") or "")
        if problem_tag:
            errors["tags"] = problem_tag
        size = values.get("size")
        try:
            data = household_validate(
                head_name=values.get("head_name", ""),
                head_id_number=values.get("head_id_number", ""),
                address=values.get("address", ""),
                area=area,
                phone=values.get("phone", ""),
                size=1 if size is None else size,
                note=values.get("note", ""),
                tags=tags,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                if key not in errors and not (key == "area" and problem):
                    errors[key] = messages[0]
            raise ValidationError(errors) from exc
        if errors:
            raise ValidationError(errors)
        return data

    def key(self, data: HouseholdData) -> str:
        return data.head_id_hash

    def existing(self, keys: list[str]) -> dict[str, Household]:
        keys = sorted(present_values(Household, "head_id_hash", keys))
        found = {
            h.head_id_hash: h
            for h in _chunked_in(Household.objects.defer("head_id_number"), "head_id_hash", keys)
        }
        if found:
            tag_ids: dict[int, set[int]] = defaultdict(set)
            through = Household.tags.through
            pks = [h.pk for h in found.values()]
            for start in range(0, len(pks), LOOKUP_CHUNK):
                for hid, tid in through.objects.filter(
                    household_id__in=pks[start : start + LOOKUP_CHUNK]
                ).values_list("household_id", "tag_id"):
                    tag_ids[hid].add(tid)
            for household in found.values():
                household._import_tag_ids = tag_ids.get(household.pk, set())
        return found

    def conflicts(self, keys: list[str]) -> dict[str, str]:
        out = {}
        keys = sorted(present_values(Resident, "id_hash", keys))
        residents = Resident.objects.filter(id_hash__isnull=False).select_related("household")
        for resident in _chunked_in(residents, "id_hash", keys):
            if resident.household.head_id_hash != resident.id_hash:
                out[resident.id_hash] = _(
                    "This ID number belongs to a resident (%(name)s) of another household. "
                    "Check the number."
                ) % {"name": mask_name(resident.name)}
        return out

    def match_problem(self, record: Household, data: HouseholdData, prefixes: list[str]) -> str:
        if not in_scope(record.area_code, prefixes):
            return _(
                "This ID number is the head of a household registered outside your area; "
                "ask the township office to move it."
            )
        if record.head_name != data.head_name:
            return _(
                "This ID number already belongs to another person (%(name)s) in the registry. "
                "Check the number."
            ) % {"name": mask_name(record.head_name)}
        return ""

    _compared = ("head_name", "address", "area_code", "phone", "size", "note")

    def changed(self, record: Household, data: HouseholdData) -> bool:
        values = data.field_values()
        if any(getattr(record, f) != values[f] for f in self._compared):
            return True
        return record._import_tag_ids != {t.pk for t in data.tags}

    def commit(self, *, creates, updates, batch_size, after_batch) -> None:
        through = Household.tags.through
        before = Household.objects.aggregate(last=Max("pk"))["last"] or 0
        insert_rows(
            Household,
            [p.data.field_values() for p in creates],
            batch_size=batch_size,
            after_batch=after_batch,
        )
        links: list[dict] = []
        tagged = {p.data.head_id_hash: p.data.tags for p in creates if p.data.tags}
        if tagged:
            new_ids = Household.objects.filter(pk__gt=before).values_list("head_id_hash", "pk")
            links = [
                {"household_id": pk, "tag_id": tag.pk}
                for key, pk in new_ids.iterator(chunk_size=5000)
                for tag in tagged.get(key, ())
            ]
        fields = [
            "head_name",
            "address",
            "area",
            "area_code",
            "township_code",
            "phone",
            "phone_masked",
            "size",
            "note",
            "version",
            "updated_at",
        ]
        now = timezone.now()
        changed_records = []
        retag = []
        for item in updates:
            record = item.existing
            for name, value in item.data.field_values().items():
                setattr(record, name, value)
            record.version += 1
            record.updated_at = now
            changed_records.append(record)
            new_ids = {t.pk for t in item.data.tags}
            if record._import_tag_ids != new_ids:
                retag.append(record.pk)
                links.extend({"household_id": record.pk, "tag_id": t} for t in sorted(new_ids))
        Household.objects.bulk_update(changed_records, fields, batch_size=batch_size)
        for start in range(0, len(retag), LOOKUP_CHUNK):
            through.objects.filter(household_id__in=retag[start : start + LOOKUP_CHUNK]).delete()
        insert_rows(through, links, batch_size=batch_size * 5)

    def export_rows(self, queryset, *, unmasked: bool = False):
        queryset = queryset.prefetch_related("tags")
        names = _area_names(queryset.values_list("area_code", flat=True))
        for h in queryset.iterator(chunk_size=2000):
            village, hamlet, group = _area_parts(h.area_code, names)
            yield [
                h.head_name,
                h.head_id_number if unmasked else h.head_id_masked,
                h.phone if unmasked else h.phone_masked,
                h.size,
                h.area_code,
                village,
                hamlet,
                group,
                h.address,
                "、".join(t.name for t in h.tags.all()),
                h.note,
            ]


def _area_names(codes: Iterable[str]) -> dict[str, str]:
    wanted = set()
    for code in set(codes):
        wanted.update(code[:n] for n in (12, 15, 18) if len(code) >= n)
    return {code: name for chunk in _chunks(sorted(wanted)) for code, name in _names_of(chunk)}


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _names_of(codes: list[str]):
    return Region.objects.filter(code__in=codes).values_list("code", "name")


def _area_parts(code: str, names: dict[str, str]) -> tuple[str, str, str]:
    return (
        names.get(code[:12], "") if len(code) >= 12 else "",
        names.get(code[:15], "") if len(code) >= 15 else "",
        names.get(code[:18], "") if len(code) >= 18 else "",
    )


KINDS: dict[str, ImportKind] = {"members": MemberImport(), "households": HouseholdImport()}
