"""Rules as data: a small JSON condition language, checked against a schema, evaluated in SQL.

A condition is one of::

    {"all": [cond, ...]}                 every condition holds (evidence: all their rows)
    {"any": [cond, ...]}                 at least one holds
    {"on_list": "<source>"}              the household has a row in that source's data
    {"source": "<source>", "sum": "<amount field>", "within_months": 12, "gt": 50000}
                                         the household's rows of the source, dated within the
                                         last N months, add up to more than (``gt``) or at least
                                         (``gte``) the threshold
    {"source": "<source>", "field": "<field>", "in": ["A", 1, ...]}
                                         a row of the source whose field is one of the values
    {"has_tag": "<tag slug>"}            the household carries the tag (no rows as evidence)

No expression is ever executed: each shape maps to one SQL query per household set.
"""

import datetime
from decimal import Decimal
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from wangge.flags.formats import FORMATS
from wangge.flags.models import AgencyRecord, MatchStatus
from wangge.households.models import Household, Tag

MAX_DEPTH = 5
MAX_LEAVES = 20
_LEAF_KEYS = {
    "on_list": {"on_list"},
    "sum": {"source", "sum", "within_months", "gt", "gte"},
    "field": {"source", "field", "in"},
    "has_tag": {"has_tag"},
}


def _fail(path: str, message: str) -> NoReturn:
    raise ValidationError({"conditions": f"{path}: {message}" if path else message})


def _source(path: str, kind) -> str:
    if kind not in FORMATS:
        _fail(
            path,
            _("unknown source “%(s)s”; use one of %(k)s.") % {"s": kind, "k": ", ".join(FORMATS)},
        )
    return kind


def _number(path: str, value, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        _fail(path, _("“%(k)s” must be a number.") % {"k": key})
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        _fail(path, _("“%(k)s” must be a number.") % {"k": key})
    if not number.is_finite() or number < 0:
        _fail(path, _("“%(k)s” must be a number of 0 or more.") % {"k": key})
    return number


def conditions_validate(conditions, *, tag_slugs: set[str] | None = None) -> dict:
    """Check a condition tree; raise ValidationError naming the part to fix."""
    if tag_slugs is None:
        tag_slugs = set(Tag.objects.values_list("slug", flat=True))
    _walk(conditions, "", 1, tag_slugs=tag_slugs, leaves=[0])
    return conditions


def _walk(node, path: str, depth: int, *, tag_slugs: set[str], leaves: list[int]) -> None:
    if depth > MAX_DEPTH:
        _fail(path, _("conditions nest too deeply (at most %(n)d levels).") % {"n": MAX_DEPTH})
    if not isinstance(node, dict) or not node:
        _fail(path, _('each condition must be an object such as {"on_list": "..."}.'))
    keys = set(node)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                _fail(path, _("“%(c)s” stands alone in its object.") % {"c": combinator})
            children = node[combinator]
            if not isinstance(children, list) or not children:
                _fail(path, _("“%(c)s” needs a non-empty list.") % {"c": combinator})
            for i, child in enumerate(children):
                _walk(
                    child,
                    f"{path}.{combinator}[{i}]".lstrip("."),
                    depth + 1,
                    tag_slugs=tag_slugs,
                    leaves=leaves,
                )
            return
    leaves[0] += 1
    if leaves[0] > MAX_LEAVES:
        _fail(path, _("a rule may have at most %(n)d conditions.") % {"n": MAX_LEAVES})
    _leaf_check(node, path, keys, tag_slugs)


def _leaf_shape(path: str, keys: set) -> str:
    for shape in ("on_list", "has_tag", "sum", "field"):
        if shape in keys:
            return shape
    _fail(
        path,
        _("unknown condition; use all, any, on_list, has_tag, sum (with source) or field.")
        + " "
        + _("Found: %(k)s.") % {"k": ", ".join(sorted(map(str, keys)))},
    )


def _leaf_check(node: dict, path: str, keys: set, tag_slugs: set[str]) -> None:
    shape = _leaf_shape(path, keys)
    extra = keys - _LEAF_KEYS[shape]
    if extra:
        _fail(path, _("unexpected keys: %(k)s.") % {"k": ", ".join(sorted(map(str, extra)))})
    if shape == "on_list":
        _source(path, node["on_list"])
    elif shape == "has_tag":
        if node["has_tag"] not in tag_slugs:
            _fail(path, _("unknown tag “%(t)s”.") % {"t": node["has_tag"]})
    elif shape == "sum":
        _sum_check(node, path, keys)
    else:
        _field_check(node, path)


def _sum_check(node: dict, path: str, keys: set) -> None:
    fmt = FORMATS[_source(path, node.get("source"))]
    summable = [f for f, how in fmt.rule_fields.items() if how == "sum"]
    if node["sum"] not in summable:
        _fail(
            path,
            _("the %(s)s source has no amount field “%(f)s” to add up; use: %(ok)s.")
            % {"s": fmt.kind, "f": node["sum"], "ok": ", ".join(summable) or _("none")},
        )
    months = node.get("within_months")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        _fail(path, _("“within_months” must be a whole number from 1 to 120."))
    bounds = {"gt", "gte"} & keys
    if len(bounds) != 1:
        _fail(path, _("give exactly one threshold: “gt” (more than) or “gte” (at least)."))
    _number(path, node[bounds.pop()], "gt/gte")


def _field_check(node: dict, path: str) -> None:
    fmt = FORMATS[_source(path, node.get("source"))]
    usable = [f for f, how in fmt.rule_fields.items() if how == "value"]
    if node["field"] not in usable:
        _fail(
            path,
            _("the %(s)s source has no field “%(f)s” a rule can compare; use: %(ok)s.")
            % {"s": fmt.kind, "f": node["field"], "ok": ", ".join(usable) or _("none")},
        )
    values = node.get("in")
    if not isinstance(values, list) or not values:
        _fail(path, _("“in” needs a non-empty list of values."))
    if any(not isinstance(v, str | int) or isinstance(v, bool) for v in values):
        _fail(path, _("“in” values must be text or whole numbers."))


def months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


Found = dict[int, set[int]]  # household id → evidence record ids


def evaluate(conditions: dict, *, township_code: str, as_of: datetime.date) -> Found:
    """Households of the township for which the conditions hold, with the rows that show it."""
    if "all" in conditions:
        parts = [evaluate(c, township_code=township_code, as_of=as_of) for c in conditions["all"]]
        common = set(parts[0]).intersection(*parts[1:])
        return {h: set().union(*(p[h] for p in parts)) for h in common}
    if "any" in conditions:
        out: Found = {}
        for child in conditions["any"]:
            for h, ev in evaluate(child, township_code=township_code, as_of=as_of).items():
                out.setdefault(h, set()).update(ev)
        return out
    if "has_tag" in conditions:
        ids = Household.objects.filter(
            township_code=township_code, tags__slug=conditions["has_tag"]
        ).values_list("id", flat=True)
        return {h: set() for h in ids}
    kind = conditions.get("on_list") or conditions["source"]
    records = AgencyRecord.objects.filter(
        township_code=township_code, kind=kind, active=True, match_status=MatchStatus.MATCHED
    )
    if "sum" in conditions:
        since = months_before(as_of, conditions["within_months"])
        records = records.filter(record_date__gt=since, record_date__lte=as_of)
        totals = records.values("household_id").annotate(total=Sum("amount"))
        if "gt" in conditions:
            totals = totals.filter(total__gt=Decimal(str(conditions["gt"])))
        else:
            totals = totals.filter(total__gte=Decimal(str(conditions["gte"])))
        records = records.filter(household_id__in=totals.values("household_id"))
    elif "field" in conditions:
        records = records.filter(category__in=[str(v) for v in conditions["in"]])
    out = {}
    for household_id, record_id in records.values_list("household_id", "id").iterator(
        chunk_size=5000
    ):
        out.setdefault(household_id, set()).add(record_id)
    return out


SEED_RULES = [
    {
        "slug": "severe_illness",
        "name": "大病家庭",
        "tag_slug": "severe_illness",
        "description": "近12个月医保结算个人自付费用合计超过5万元。",
        "conditions": {
            "all": [
                {
                    "source": "medical_insurance",
                    "sum": "self_paid",
                    "within_months": 12,
                    "gt": 50000,
                }
            ]
        },
    },
    {
        "slug": "extreme_hardship",
        "name": "特困家庭",
        "tag_slug": "extreme_hardship",
        "description": "同时在民政低保名册和特困人员名册中。",
        "conditions": {
            "all": [{"on_list": "civil_affairs_dibao"}, {"on_list": "civil_affairs_tekun"}]
        },
    },
    {
        "slug": "severe_disability",
        "name": "重残家庭",
        "tag_slug": "severe_disability",
        "description": "困难家庭（低保、防返贫监测或已标记为家庭困难户）中有一级或二级残疾人。",
        "conditions": {
            "all": [
                {
                    "any": [
                        {"on_list": "civil_affairs_dibao"},
                        {"on_list": "monitoring"},
                        {"has_tag": "hardship"},
                    ]
                },
                {"source": "disability", "field": "grade", "in": [1, 2]},
            ]
        },
    },
    {
        "slug": "monitored",
        "name": "防返贫监测户",
        "tag_slug": "monitored",
        "description": "在乡村振兴部门防返贫监测名单中"
        "（脱贫不稳定户、边缘易致贫户、突发严重困难户）。",
        "conditions": {"all": [{"on_list": "monitoring"}]},
    },
]


def describe_conditions(node, *, sources: dict[str, str], tags: dict[str, str]) -> str:
    """The condition tree in plain words (the rule page shows it above the JSON)."""
    if not isinstance(node, dict):
        return ""
    for combinator, joiner in (("all", _(" and ")), ("any", _(" or "))):
        if combinator in node:
            parts = [describe_conditions(c, sources=sources, tags=tags) for c in node[combinator]]
            text = joiner.join(p for p in parts if p)
            return f"（{text}）" if len(parts) > 1 else text
    if "on_list" in node:
        return _("on the list of %(source)s") % {"source": sources.get(node["on_list"], "?")}
    if "has_tag" in node:
        return _("tagged %(tag)s") % {"tag": tags.get(node["has_tag"], node["has_tag"])}
    source = node.get("source", "")
    fmt = FORMATS.get(source)
    name = sources.get(source, source)
    if "sum" in node:
        field = fmt.field(node["sum"]) if fmt else None
        limit = node.get("gt", node.get("gte"))
        return _(
            "%(field)s in %(source)s over the last %(n)s months adds up to %(op)s %(limit)s"
        ) % {
            "field": field.label if field else node["sum"],
            "source": name,
            "n": node.get("within_months", "?"),
            "op": _("more than") if "gt" in node else _("at least"),
            "limit": limit,
        }
    if "field" in node:
        field = fmt.field(node["field"]) if fmt else None
        return _("%(field)s in %(source)s is one of %(values)s") % {
            "field": field.label if field else node["field"],
            "source": name,
            "values": "、".join(str(v) for v in node.get("in", [])),
        }
    return ""
