"""What a registry looks like in a spreadsheet: the base of every import kind, the columns and
area lookup kinds share, and the registry each domain app adds its kind to.

A kind says how a row becomes validated data (through its app's domain validators), how it matches
existing records, how it is written and exported. ``wangge/party/importing.py`` and
``wangge/households/importing.py`` are the two kinds today.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import in_areas, prefix_q
from wangge.core.identity import normalise_text
from wangge.imports.pipeline import LOOKUP_CHUNK
from wangge.imports.spreadsheets import (
    SheetColumn,
    SpreadsheetError,
    cell_code,
    cell_record_id,
    cell_text,
)
from wangge.regions.codes import ancestor_of, township_of
from wangge.regions.models import Level, Region


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
    locked: bool = False

    def sheet_column(self) -> SheetColumn:
        return SheetColumn(
            self.header, self.width, self.text, self.note, self.example, locked=self.locked
        )


RECORD_ID = "record_id"
RECORD_HEADER = "系统编号（请勿修改）"


def record_column() -> Column:
    """The record's own number, first on every export: it matches an edited row to its record
    even though the export masks the ID number and phone. Protected in the exported sheet."""
    return Column(
        RECORD_ID,
        RECORD_HEADER,
        cell_record_id,
        aliases=("系统编号", "系统编号(请勿修改)", "系统编号（勿改）", "系统编号(勿改)"),
        width=12,
        locked=True,
        note=_("Do not edit: the record's number in the system. Leave it empty for new rows."),
    )


def is_masked(text) -> bool:
    return isinstance(text, str) and ("*" in text or "＊" in text)


def area_columns() -> list[Column]:
    return [
        Column(
            "area_code",
            "区划代码",
            cell_code,
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
        self.by_code = {r.code: r for r in chunked_in(Region.objects.all(), "code", sorted(codes))}
        self._cache: dict[tuple, tuple] = {}
        keys = {village_key(n) for n in village_names if n}
        self.villages: dict[str, list[Region]] = defaultdict(list)
        self.children: dict[str, list[Region]] = defaultdict(list)
        if keys and prefixes:
            # Villages of the user's townships: a village secretary may name a neighbour
            # (refused later with a scope message rather than "not found").
            townships = {township_of(p) for p in prefixes} - {None}
            scope = reduce(or_, (prefix_q("code", p) for p in sorted(townships or prefixes)))
            names = reduce(or_, (Q(name__startswith=k) for k in keys))
            for village in Region.objects.filter(scope, names, level=Level.VILLAGE):
                self.villages[village_key(village.name)].append(village)
            found = [v.code for vs in self.villages.values() for v in vs]
            if found:
                below = Region.objects.filter(
                    reduce(or_, (prefix_q("code", c) for c in found)),
                    level__in=[Level.HAMLET, Level.GROUP],
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


def chunked_in(queryset, field_name: str, values: list) -> Iterable:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + LOOKUP_CHUNK]})


def column_values(rows, mapping, key: str) -> set[str]:
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
    if key == "area_code":
        out = {cell_code(v) for v in out}
    return out


class ExportKind(ABC):
    """A list offered as an XLSX export (scoped, audited, formula-safe) and to ``wangge export``.

    Export-only kinds (flags, plans, the attention list) subclass this directly: they have no
    upload form, template or full-number export. ``ImportKind`` adds the import side.
    """

    name = ""  # in URLs and on the command line: /imports/<name>/, ``wangge import <name>``
    label: Any = ""  # what the pages call it ("Party members")
    object_type = ""  # the audit log's object type
    importable = False
    by_period = False  # whether the export takes ``period`` (the ledgers of visits, requests...)
    # Columns an export masks: column key → (the record's full value, its masked value).
    masked: dict[str, tuple[str, str]] = {}

    @abstractmethod
    def columns(self) -> list[Column]:
        """The export's columns, in order."""

    def export_columns(self) -> list[SheetColumn]:
        return [c.sheet_column() for c in self.columns()]

    @abstractmethod
    def export_queryset(self, *, user, params) -> tuple[Any, Any]:
        """(records, filters): the list exactly as its list page shows it for ``params``."""

    @abstractmethod
    def export_rows(self, queryset, *, unmasked: bool = False) -> Iterable[list]:
        """Rows in the export's columns (``columns``)."""

    def extra_sheets(self, queryset) -> list[tuple[str, list[SheetColumn], Iterable[list]]]:
        """Further sheets after the list, as (name, columns, rows): a request's timeline."""
        return []


class ImportKind(ExportKind):
    """One registry as a spreadsheet; the pipeline (``wangge.imports.pipeline``) drives it."""

    importable = True
    key_field = ""
    key_attr = ""  # the record's attribute that ``key`` matches (the keyed hash)
    required: tuple[str, ...] = ()
    field_headers: dict[str, str] = {}
    model: Any = None

    @abstractmethod
    def all_columns(self) -> list[Column]:
        """Every column of this kind's template, in order."""

    def columns(self) -> list[Column]:
        """The columns of an export: the record's system number, then the template's."""
        return [record_column(), *self.all_columns()]

    def records(self, pks: list[int], prefixes: list[str]) -> dict[int, Any]:
        """Records by system number, only those the user may edit, ready for ``changed``."""
        queryset = in_areas(self.model.objects.all(), prefixes)
        found = {r.pk: r for r in chunked_in(queryset, "pk", sorted(pks))}
        self.prepare_records(list(found.values()))
        return found

    def prepare_records(self, records: list) -> None:
        """Load what ``changed`` compares beyond the record's own fields (its tags...)."""
        return None

    def unmask(self, values: dict, record: Any) -> dict[str, str]:
        """Put the stored full value in place of a masked cell that matches the stored mask.

        Returns the problems by column key: a masked value that does not fit the record, or a
        masked value on a row without a record to take the full value from.
        """
        problems = {}
        for key, (full_attr, masked_attr) in self.masked.items():
            text = values.get(key)
            if not is_masked(text):
                continue
            if record is None:
                problems[key] = _(
                    "%(v)s is a masked number (with *), which can only stand for a number "
                    "already in the registry. Type the full number for a new row."
                ) % {"v": text[:20]}
                continue
            shown = normalise_text(text).replace("＊", "*").upper()
            if shown == (getattr(record, masked_attr) or "").upper():
                values[key] = getattr(record, full_attr)
            else:
                problems[key] = _(
                    "%(v)s does not fit the number stored for this record (%(stored)s). Put back "
                    "the exported value to keep it, or type the full new number."
                ) % {"v": text[:20], "stored": getattr(record, masked_attr) or "—"}
        return problems

    @abstractmethod
    def context(self, *, user, prefixes: list[str], rows, mapping: dict[int, Column]) -> Any:
        """What ``build`` needs for every row, looked up once for the whole file."""

    @abstractmethod
    def build(self, values: dict, context: Any) -> Any:
        """The row's validated data (with an ``area``); raises ``ValidationError`` per field."""

    @abstractmethod
    def key(self, data: Any) -> str:
        """The keyed hash that matches a row to an existing record."""

    @abstractmethod
    def existing(self, keys: list[str]) -> dict[str, Any]:
        """Existing records by key."""

    def conflicts(self, keys: list[str]) -> dict[str, str]:
        """Keys that may not be imported, with the reason."""
        return {}

    @abstractmethod
    def match_problem(self, record: Any, data: Any, prefixes: list[str]) -> str:
        """Why a row may not update the record it matches ("" when it may)."""

    @abstractmethod
    def changed(self, record: Any, data: Any) -> bool: ...

    @abstractmethod
    def commit(self, *, creates, updates, batch_size: int, after_batch) -> None:
        """Write the rows (inside the pipeline's transaction)."""

    def map_headers(self, headers: list[str]) -> dict[int, Column]:
        """Map header positions to columns; refuse missing required and unknown headers."""
        lookup = {}
        for column in self.columns():
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
        header_of = {c.key: c.header for c in self.columns()}
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
        for column in self.columns():
            if column.key == key:
                return column.header
        return ""

    def template_columns(self) -> list[SheetColumn]:
        return [c.sheet_column() for c in self.all_columns()]


_PARTS = (Level.VILLAGE, Level.HAMLET, Level.GROUP)  # the area columns of a spreadsheet


def area_names(codes: Iterable[str]) -> dict[str, str]:
    wanted = set()
    for code in set(codes):
        wanted.update(a for a in (ancestor_of(code, level) for level in _PARTS) if a)
    return {code: name for chunk in _chunks(sorted(wanted)) for code, name in _names_of(chunk)}


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _names_of(codes: list[str]):
    return Region.objects.filter(code__in=codes).values_list("code", "name")


def local_time(moment) -> str:
    """A moment as an export cell: local time to the minute ("" when there is none)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def area_parts(code: str, names: dict[str, str]) -> tuple[str, str, str]:
    """The names of the village, hamlet and villager group ``code`` is in ("" above them)."""
    village, hamlet, group = (ancestor_of(code, level) for level in _PARTS)
    return names.get(village, ""), names.get(hamlet, ""), names.get(group, "")


# --- the registry ---------------------------------------------------------------------------
# Each domain app declares its kind in its ``importing.py`` and registers it; the imports app
# imports every installed app's ``importing`` module when it is ready (as the admin does with
# ``admin.py``), so the spine never imports the apps above it.

KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    """Offer ``kind`` at /imports/<name>/ and to the ``import`` and ``export`` commands (an
    export-only kind: its export only)."""
    KINDS[kind.name] = kind
    return kind


def kind_or_none(name: str) -> ExportKind | None:
    return KINDS.get(name)


def import_kinds() -> dict[str, ImportKind]:
    return {name: kind for name, kind in KINDS.items() if kind.importable}
