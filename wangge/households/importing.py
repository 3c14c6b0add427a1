"""Households in a spreadsheet: the ``households`` import kind (registered with the imports app)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.identity import mask_name
from wangge.households.models import Household, Resident, Tag
from wangge.households.selectors import HouseholdFilters, household_list
from wangge.households.services import HouseholdData, household_validate
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
from wangge.imports.spreadsheets import cell_id_number, cell_int, cell_phone


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
    label = gettext_lazy("Households")
    object_type = "households.household"
    key_field = "head_id_number"
    key_attr = "head_id_hash"
    required = ("head_name", "head_id_number", "address")
    model = Household
    masked = {
        "head_id_number": ("head_id_number", "head_id_masked"),
        "phone": ("phone", "phone_masked"),
    }

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
            *area_columns(),
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
            codes=column_values(rows, mapping, "area_code"),
            village_names=column_values(rows, mapping, "village"),
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
            for h in chunked_in(Household.objects.defer("head_id_number"), "head_id_hash", keys)
        }
        self.prepare_records(list(found.values()))
        return found

    def prepare_records(self, records: list[Household]) -> None:
        if not records:
            return
        tag_ids: dict[int, set[int]] = defaultdict(set)
        through = Household.tags.through
        pks = [h.pk for h in records]
        for start in range(0, len(pks), LOOKUP_CHUNK):
            for hid, tid in through.objects.filter(
                household_id__in=pks[start : start + LOOKUP_CHUNK]
            ).values_list("household_id", "tag_id"):
                tag_ids[hid].add(tid)
        for household in records:
            household._import_tag_ids = tag_ids.get(household.pk, set())

    def conflicts(self, keys: list[str]) -> dict[str, str]:
        out = {}
        keys = sorted(present_values(Resident, "id_hash", keys))
        residents = Resident.objects.filter(id_hash__isnull=False).select_related("household")
        for resident in chunked_in(residents, "id_hash", keys):
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

    _compared = ("head_id_hash", "head_name", "address", "area_code", "phone", "size", "note")

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
            "head_id_number",
            "head_id_hash",
            "head_id_masked",
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

    def export_queryset(self, *, user, params):
        filters = HouseholdFilters.from_params(params)
        return household_list(user, filters), filters

    def export_rows(self, queryset, *, unmasked: bool = False):
        queryset = queryset.prefetch_related("tags")
        names = area_names(queryset.values_list("area_code", flat=True))
        for h in queryset.iterator(chunk_size=2000):
            village, hamlet, group = area_parts(h.area_code, names)
            yield [
                h.pk,
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


register(HouseholdImport())
