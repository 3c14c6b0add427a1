"""What each agency file holds: its fields, the usual header names, and how a cell is parsed.

Cells are typed by hand in the agencies, so parsers accept stray spaces, full-width digits,
``2021.3.5``, ``2021/03/05``, ``2021年3月5日`` and Excel serial dates.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.identity import IdentityError, mask_id, normalise_text, parse_id_number
from wangge.flags.models import SourceKind

EARLIEST = datetime.date(1990, 1, 1)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
CATEGORY_RANK = {"C": 1, "B": 2, "A": 3}
_CN_GRADE = {"一": 1, "二": 2, "三": 3, "四": 4}


class CellError(ValueError):
    """A cell that cannot be read as its field's type; the message says what to fix."""


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # lazy translation
    kind: str  # text, id, amount, date, month, int, grade, category, yesno
    headers: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class SourceFormat:
    kind: str
    fields: tuple[Field, ...]
    # Which parsed fields are copied into AgencyRecord's indexed columns for SQL rules.
    amount_fields: tuple[str, ...] = ()  # summed together into ``amount``
    date_field: str = ""
    category_field: str = ""
    name_field: str = "name"
    extra: dict = field(default_factory=dict)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def rule_fields(self) -> dict[str, str]:
        """Fields a rule may refer to, with how: ``sum`` (amount) or ``value`` (category)."""
        # The first amount field names the summed ``amount`` column (which includes the rest,
        # e.g. 个人自付 + 个人自费 = what the family paid).
        out = {self.amount_fields[0]: "sum"} if self.amount_fields else {}
        if self.category_field:
            out[self.category_field] = "value"
        return out


_ID = ("身份证号码", "身份证号", "公民身份号码", "证件号码", "户主身份证号", "户主身份证号码")

FORMATS: dict[str, SourceFormat] = {
    SourceKind.MEDICAL_INSURANCE: SourceFormat(
        kind=SourceKind.MEDICAL_INSURANCE,
        fields=(
            Field("name", gettext_lazy("Name"), "text", ("姓名", "参保人姓名")),
            Field("id_number", gettext_lazy("ID number"), "id", _ID, required=True),
            Field("insurance_type", gettext_lazy("Insurance type"), "text", ("参保类别",)),
            Field("visit_kind", gettext_lazy("Visit kind"), "text", ("就诊类别",)),
            Field("institution", gettext_lazy("Medical institution"), "text", ("医疗机构名称",)),
            Field(
                "settle_date",
                gettext_lazy("Settlement date"),
                "date",
                ("结算日期", "出院日期"),
                required=True,
            ),
            Field("total_cost", gettext_lazy("Total cost"), "amount", ("医疗总费用",)),
            Field("self_paid", gettext_lazy("Self-paid"), "amount", ("个人自付",), required=True),
            Field("self_funded", gettext_lazy("Self-funded"), "amount", ("个人自费",)),
        ),
        amount_fields=("self_paid", "self_funded"),
        date_field="settle_date",
    ),
    SourceKind.CIVIL_AFFAIRS_DIBAO: SourceFormat(
        kind=SourceKind.CIVIL_AFFAIRS_DIBAO,
        fields=(
            Field("name", gettext_lazy("Head of household"), "text", ("户主姓名", "姓名")),
            Field("id_number", gettext_lazy("ID number"), "id", _ID, required=True),
            Field("covered_people", gettext_lazy("People covered"), "int", ("保障人数",)),
            Field("category", gettext_lazy("Category"), "category", ("保障类别",), required=True),
            Field(
                "monthly_amount",
                gettext_lazy("Monthly amount"),
                "amount",
                ("月保障金额",),
                required=True,
            ),
            Field(
                "start_month",
                gettext_lazy("Start month"),
                "month",
                ("保障起始年月",),
                required=True,
            ),
            Field("village", gettext_lazy("Village"), "text", ("所在村",)),
        ),
        amount_fields=("monthly_amount",),
        date_field="start_month",
        category_field="category",
    ),
    SourceKind.CIVIL_AFFAIRS_TEKUN: SourceFormat(
        kind=SourceKind.CIVIL_AFFAIRS_TEKUN,
        fields=(
            Field("name", gettext_lazy("Name"), "text", ("姓名",)),
            Field("id_number", gettext_lazy("ID number"), "id", _ID, required=True),
            Field("support_mode", gettext_lazy("Support mode"), "text", ("供养方式",)),
            Field("self_care", gettext_lazy("Self-care ability"), "text", ("自理能力",)),
            Field("recognised_on", gettext_lazy("Recognised on"), "date", ("认定日期",)),
        ),
        date_field="recognised_on",
        category_field="self_care",
    ),
    SourceKind.DISABILITY: SourceFormat(
        kind=SourceKind.DISABILITY,
        fields=(
            Field("name", gettext_lazy("Name"), "text", ("姓名",)),
            Field("id_number", gettext_lazy("ID number"), "id", _ID, required=True),
            Field("certificate", gettext_lazy("Certificate number"), "text", ("残疾人证号",)),
            Field("disability_kind", gettext_lazy("Disability kind"), "text", ("残疾类别",)),
            Field("grade", gettext_lazy("Grade"), "grade", ("残疾等级",), required=True),
        ),
        category_field="grade",
    ),
    SourceKind.MONITORING: SourceFormat(
        kind=SourceKind.MONITORING,
        fields=(
            Field("name", gettext_lazy("Head of household"), "text", ("户主姓名", "姓名")),
            Field("id_number", gettext_lazy("ID number"), "id", _ID, required=True),
            Field(
                "monitor_type",
                gettext_lazy("Monitoring type"),
                "text",
                ("监测类型",),
                required=True,
            ),
            Field("included_on", gettext_lazy("Included on"), "date", ("纳入日期",)),
            Field("risk_type", gettext_lazy("Risk type"), "text", ("风险类型",)),
            Field("risk_cleared", gettext_lazy("Risk cleared"), "yesno", ("风险是否消除",)),
        ),
        date_field="included_on",
        category_field="monitor_type",
    ),
}


def default_mapping(kind: str, headers: list[str], remembered: dict | None = None) -> dict:
    """Target field → header: the source's remembered mapping first, then the usual headers."""
    fmt = FORMATS[kind]
    present = set(headers)
    remembered = remembered or {}
    mapping: dict[str, str] = {}
    for f in fmt.fields:
        choice = remembered.get(f.name)
        if choice in present:
            mapping[f.name] = choice
            continue
        mapping[f.name] = next((h for h in f.headers if h in present), "")
    return mapping


# ---- cell parsers -------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\u3000", " ").strip()


def parse_amount(value) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = normalise_text(_text(value)).replace(",", "").replace("，", "").replace("元", "")
    text = text.replace("．", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(
            _("“%(v)s” is not an amount; enter a number such as 1234.50.") % {"v": text}
        ) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e11"):
        raise CellError(_("The amount %(v)s is out of range.") % {"v": text})
    return amount.quantize(Decimal("0.01"))


def _check_range(day: datetime.date, today: datetime.date) -> datetime.date:
    if day < EARLIEST or day > today:
        raise CellError(
            _("The date %(d)s is out of range: it must lie between %(a)s and today.")
            % {"d": day.isoformat(), "a": EARLIEST.isoformat()}
        )
    return day


_DATE_RE = re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$")
_MONTH_RE = re.compile(r"^(\d{4})[.\-/年](\d{1,2})月?$")


def parse_date(value, *, today: datetime.date) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return _check_range(value.date(), today)
    if isinstance(value, datetime.date):
        return _check_range(value, today)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _check_range(_serial(value), today)
    text = normalise_text(_text(value))
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _check_range(_serial(float(text)), today)
    match = _DATE_RE.match(text)
    if not match and re.fullmatch(r"\d{8}", text):
        match = re.match(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        raise CellError(_("“%(v)s” is not a date; write it as 2021-03-05.") % {"v": text})
    try:
        day = datetime.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise CellError(_("“%(v)s” is not a real date.") % {"v": text}) from exc
    return _check_range(day, today)


def _serial(number: float) -> datetime.date:
    if not 1 <= number < 2958466:
        raise CellError(_("%(v)s is not an Excel date.") % {"v": number})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def parse_month(value, *, today: datetime.date) -> datetime.date | None:
    """A month, stored as its first day."""
    if isinstance(value, datetime.date | int | float):
        if isinstance(value, int | float) and 190001 <= value <= 299912:
            value = str(int(value))
        else:
            day = parse_date(value, today=today)
            return day.replace(day=1) if day else None
    text = normalise_text(_text(value))
    if not text:
        return None
    match = _MONTH_RE.match(text) or (re.fullmatch(r"(\d{4})(\d{2})", text))
    if not match:
        day = parse_date(text, today=today)
        return day.replace(day=1) if day else None
    year, month = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise CellError(_("“%(v)s” is not a month; write it as 2021-03.") % {"v": text})
    return _check_range(datetime.date(year, month, 1), today)


def parse_int(value) -> int | None:
    text = normalise_text(_text(value)).removesuffix("人")
    if not text:
        return None
    if not text.isdigit():
        raise CellError(_("“%(v)s” is not a whole number.") % {"v": text})
    return int(text)


def parse_grade(value) -> int | None:
    text = normalise_text(_text(value)).replace("级", "").replace("等", "")
    if not text:
        return None
    grade = _CN_GRADE.get(text) or (int(text) if text.isdigit() else None)
    if grade not in (1, 2, 3, 4):
        raise CellError(_("“%(v)s” is not a disability grade; use 1 to 4.") % {"v": text})
    return grade


def parse_category(value) -> str | None:
    text = normalise_text(_text(value)).upper().replace("类", "")
    if not text:
        return None
    if text not in CATEGORY_RANK:
        raise CellError(_("“%(v)s” is not a category; use A, B or C.") % {"v": text})
    return text


def parse_yesno(value) -> bool | None:
    text = normalise_text(_text(value))
    if not text:
        return None
    if text in {"是", "已消除", "Y", "y", "yes", "1"}:
        return True
    if text in {"否", "未消除", "N", "n", "no", "0"}:
        return False
    raise CellError(_("“%(v)s” is not yes or no (是/否).") % {"v": text})


def parse_cell(kind: str, value, *, today: datetime.date):
    """The JSON-ready value of a cell (Decimal as string, dates ISO), or None when empty."""
    if kind == "text":
        return _text(value)[:200] or None
    if kind == "id":
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise CellError(
                _("The ID number is stored as a number and has lost digits; format it as text.")
            )
        text = _text(value)
        if not text:
            return None
        try:
            return parse_id_number(text, today=today).value
        except IdentityError as exc:
            raise CellError(str(exc)) from exc
    if kind == "amount":
        amount = parse_amount(value)
        return None if amount is None else str(amount)
    if kind == "date":
        day = parse_date(value, today=today)
        return day.isoformat() if day else None
    if kind == "month":
        day = parse_month(value, today=today)
        return day.isoformat() if day else None
    if kind == "int":
        return parse_int(value)
    if kind == "grade":
        return parse_grade(value)
    if kind == "category":
        return parse_category(value)
    if kind == "yesno":
        return parse_yesno(value)
    raise ValueError(kind)


__all__ = ["FORMATS", "CellError", "default_mapping", "mask_id", "parse_cell"]
