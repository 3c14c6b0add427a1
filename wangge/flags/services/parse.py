"""Parsing an agency file: the column mapping checked, every row parsed, every bad cell kept."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core.errors import DomainError
from wangge.flags.formats import FORMATS, CellError, parse_cell
from wangge.flags.reading import Table


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    id_number: str
    name: str
    values: dict
    amount: Decimal | None
    record_date: datetime.date | None
    category: str


@dataclass
class Preview:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class AgencyFileError(DomainError):
    """A file with bad rows: nothing is committed; ``errors`` lists each row, column and reason."""

    def __init__(self, errors: list[RowError]):
        first = errors[0]
        super().__init__(
            _("%(n)d problem(s) in the file, nothing was saved. First: row %(r)d, %(c)s: %(m)s")
            % {"n": len(errors), "r": first.row, "c": first.column, "m": first.message},
            code="bad_rows",
        )
        self.errors = errors


def mapping_check(kind: str, headers: list[str], mapping: dict) -> list[RowError]:
    fmt = FORMATS[kind]
    errors = []
    present = set(headers)
    for f in fmt.fields:
        chosen = (mapping.get(f.name) or "").strip()
        if chosen and chosen not in present:
            errors.append(
                RowError(1, str(f.label), _("The file has no column “%(h)s”.") % {"h": chosen})
            )
        elif not chosen and f.required:
            errors.append(
                RowError(
                    1,
                    str(f.label),
                    _("This column is required: choose which column of the file holds it.")
                    + " "
                    + _("Usual headers: %(h)s.") % {"h": "、".join(f.headers)},
                )
            )
    return errors


def agency_parse(
    *, kind: str, table: Table, mapping: dict, today: datetime.date | None = None
) -> Preview:
    """Parse every row with the chosen mapping; collect every bad cell, never stop at the first."""
    today = today or timezone.localdate()
    fmt = FORMATS[kind]
    preview = Preview(errors=mapping_check(kind, table.headers, mapping))
    if preview.errors:
        return preview
    columns = [(f, table.headers.index(mapping[f.name])) for f in fmt.fields if mapping.get(f.name)]
    seen: dict[tuple, int] = {}
    for index, cells in enumerate(table.rows):
        number = index + 2  # the header is row 1, as in Excel
        if all(c is None or c == "" or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values: dict = {}
        bad = False
        for f, col in columns:
            try:
                value = parse_cell(f.kind, cells[col], today=today)
            except CellError as exc:
                preview.errors.append(RowError(number, str(f.label), str(exc)))
                bad = True
                continue
            if value is None and f.required:
                preview.errors.append(RowError(number, str(f.label), _("This cell is empty.")))
                bad = True
            elif value is not None:
                values[f.name] = value
        if bad:
            continue
        key = tuple(sorted(values.items()))  # values are str/int/bool: hashable
        if key in seen:
            preview.errors.append(
                RowError(number, "", _("This row repeats row %(r)d.") % {"r": seen[key]})
            )
            continue
        seen[key] = number
        amounts = [Decimal(values[a]) for a in fmt.amount_fields if a in values]
        date_value = values.get(fmt.date_field) if fmt.date_field else None
        preview.rows.append(
            ParsedRow(
                row=number,
                id_number=values.pop("id_number"),
                name=str(values.get(fmt.name_field, ""))[:50],
                values=values,
                amount=sum(amounts, Decimal("0")) if amounts else None,
                record_date=datetime.date.fromisoformat(date_value) if date_value else None,
                category=str(values.get(fmt.category_field, ""))[:20] if fmt.category_field else "",
            )
        )
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, "", _("The file has a header but no data rows.")))
    return preview
