import datetime
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes
from wangge.assistance.selectors import outcomes_for_user
from wangge.core.errors import DomainError
from wangge.core.forms import errors_text
from wangge.core.views import show_error, show_form_errors
from wangge.flags import staging
from wangge.flags.formats import FORMATS, default_mapping
from wangge.flags.forms import (
    CONDITION_KINDS,
    ConditionRowForm,
    DecisionForm,
    MappingForm,
    RuleForm,
    UploadForm,
    condition_rows,
)
from wangge.flags.models import AgencySource, FlagStatus
from wangge.flags.reading import read_table
from wangge.flags.rules import MAX_LEAVES, describe_conditions
from wangge.flags.selectors import (
    AttentionFilters,
    FlagFilters,
    _batch_problem_rows,
    _flag_evidence,
    _sources_all,
    attention_choices,
    attention_households,
    attention_rows,
    batch_for_user,
    batch_list,
    data_years,
    figures_for_user,
    flag_for_user,
    flag_list,
    rule_for_user,
    rule_list,
)
from wangge.flags.services import (
    agency_batch_commit,
    agency_batch_rollback,
    agency_parse,
    flag_accept,
    flag_dismiss,
    require_rule_edit,
    rule_update,
    upload_areas,
)
from wangge.households.selectors import tags_all

PREVIEW_ROWS = 10
ERRORS_SHOWN = 200


def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def dashboard(request):
    today = timezone.localdate()
    with_data = data_years(request.user, today)
    default = with_data[0] if with_data else today.year
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        year = default
    year = min(max(year, 2000), today.year)
    years = sorted({*range(today.year, today.year - 6, -1), *with_data}, reverse=True)
    figures = (
        figures_for_user(
            request.user, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
        )
        if area_prefixes(request.user)
        else None
    )
    flags = flag_list(request.user)
    by_status = {s: 0 for s in FlagStatus.values}
    for status in flags.values_list("status", flat=True):
        by_status[status] += 1
    return render(
        request,
        "flags/dashboard.html",
        {
            "figures": figures,
            "year": year,
            "years": years,
            "with_data": with_data,
            "by_status": [(FlagStatus(s).label, n) for s, n in by_status.items()],
            "outcomes": outcomes_for_user(request.user),
            "can_upload": bool(upload_areas(request.user)),
        },
    )


def queue(request):
    filters = FlagFilters.from_params(request.GET)
    if "status" not in request.GET:
        filters = FlagFilters(
            status=FlagStatus.RAISED, rule=filters.rule, area_code=filters.area_code
        )
    page = _page(request, flag_list(request.user, filters))
    return render(
        request,
        "flags/queue.html",
        {
            "page": page,
            "filters": filters,
            "statuses": FlagStatus.choices,
            "rules": rule_list(request.user),
            "export_query": urlencode({k: v for k, v in vars(filters).items() if v}),
        },
    )


def flag_detail(request, pk: int):
    flag = flag_for_user(request.user, pk)
    return render(
        request,
        "flags/flag_detail.html",
        {"flag": flag, "evidence": _flag_evidence(flag), "plan": getattr(flag, "plan", None)},
    )


@require_POST
def flag_decide(request, pk: int):
    flag = flag_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("flags:flag_detail", pk=flag.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "accept":
            plan = flag_accept(actor=request.user, flag=flag, needs=data["needs"])
            messages.success(request, _("Flag accepted; an assistance plan was opened."))
            return redirect("assistance:plan_detail", pk=plan.pk)
        flag_dismiss(actor=request.user, flag=flag, reason=data["reason"])
        messages.success(request, _("Flag dismissed."))
    except ValidationError as exc:
        show_error(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("flags:flag_detail", pk=flag.pk)


def attention(request):
    """重点关注: households with a status tag or an open flag, by village and grid."""
    filters = AttentionFilters.from_params(request.GET)
    page = _page(request, attention_households(request.user, filters))
    return render(
        request,
        "flags/attention.html",
        {
            "page": page,
            "rows": attention_rows(page.object_list),
            "filters": filters,
            "choices": attention_choices(request.user, filters.area_code),
            "export_query": request.GET.urlencode(),
        },
    )


# ---- agency data -----------------------------------------------------------------------------


def agency(request):
    areas = upload_areas(request.user)
    status = 200
    if request.method == "POST":
        if not areas:
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES, areas=areas)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token = staging.stage(
                request,
                content=upload.read(),
                file_name=upload.name,
                source_kind=form.cleaned_data["source"].kind,
                area_code=form.cleaned_data["area_code"],
            )
            return redirect("flags:agency_preview", token=token)
        # One problem at a time, in the order of the form.
        messages.error(request, next(iter(form.errors.values()))[0])
        status = 400
    return render(
        request,
        "flags/agency.html",
        {
            "areas": areas,
            "sources": _sources_all(),
            "page": _page(request, batch_list(request.user)),
        },
        status=status,
    )


def agency_preview(request, token: str):
    info, content = staging.staged(request, token)
    source = AgencySource.objects.get(kind=info["source"])
    fmt = FORMATS[source.kind]
    try:
        table = read_table(info["file_name"], content)
    except DomainError as exc:
        staging.unstage(request, token)
        messages.error(request, exc.message)
        return redirect("flags:agency")
    form = MappingForm(request.POST if request.method == "POST" else None, fields=fmt.fields)
    if form.is_valid():
        mapping = form.mapping()
    else:
        mapping = default_mapping(source.kind, table.headers, source.column_mapping)
    preview = agency_parse(kind=source.kind, table=table, mapping=mapping)
    if form.is_valid() and form.cleaned_data["action"] == "commit" and preview.ok:
        try:
            batch = agency_batch_commit(
                actor=request.user,
                source=source,
                area_code=info["area_code"],
                file_name=info["file_name"],
                table=table,
                mapping=mapping,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            staging.unstage(request, token)
            messages.success(request, _("%(n)d rows saved.") % {"n": batch.row_count})
            return redirect("flags:batch_detail", pk=batch.pk)
    return render(
        request,
        "flags/agency_preview.html",
        {
            "source": source,
            "file_name": info["file_name"],
            "fields": [(f, mapping.get(f.name, "")) for f in fmt.fields],
            "headers": table.headers,
            "rows": [
                {
                    "row": r.row,
                    "name": r.name,
                    "values": [(_field_label(fmt, k), v) for k, v in r.values.items()],
                }
                for r in preview.rows[:PREVIEW_ROWS]
            ],
            "row_count": len(preview.rows),
            "errors": preview.errors[:ERRORS_SHOWN],
            "error_count": len(preview.errors),
            "ok": preview.ok,
        },
    )


def _field_label(fmt, name: str) -> str:
    """The column's name as the page shows it (身份证号, 个人自付...), not the internal key."""
    field = fmt.field(name)
    return str(field.label) if field else name


def batch_detail(request, pk: int):
    batch = batch_for_user(request.user, pk)
    return render(
        request,
        "flags/batch_detail.html",
        {
            "batch": batch,
            "problems": _page(request, _batch_problem_rows(batch)),
            "can_rollback": any(batch.area_code.startswith(p) for p in upload_areas(request.user)),
        },
    )


@require_POST
def batch_rollback(request, pk: int):
    batch = batch_for_user(request.user, pk)
    try:
        agency_batch_rollback(actor=request.user, batch=batch)
        messages.success(request, _("The batch was rolled back and flags re-evaluated."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("flags:batch_detail", pk=batch.pk)


# ---- rules ----------------------------------------------------------------------------------


def rules(request):
    return render(request, "flags/rules.html", {"rules": rule_list(request.user)})


ConditionRows = formset_factory(ConditionRowForm, extra=2, max_num=MAX_LEAVES, absolute_max=40)


def rule_detail(request, pk: int):
    """The rule in plain words; the township administrator edits its conditions in a form of
    rows (one condition each, in Chinese) or, for nested conditions, in the JSON view."""
    rule = rule_for_user(request.user, pk)
    current = rule.current.conditions if rule.current else {}
    text = json.dumps(current, ensure_ascii=False, indent=2)
    sources = list(_sources_all().values_list("kind", "name"))
    tags = dict(tags_all(request.user).values_list("slug", "name"))
    flat = condition_rows(current)
    post = request.POST if request.method == "POST" else None
    rows = ConditionRows(
        post if post and post.get("mode") == "form" else None,
        prefix="c",
        initial=flat[1] if flat else None,
        form_kwargs={"sources": sources},
    )
    error = ""
    form = RuleForm(post)
    if post is not None and not form.is_valid():
        error = errors_text(form)
    elif post is not None:
        values = form.values()
        if form.cleaned_data["mode"] == "form":
            if rows.is_valid():
                leaves = [c for c in (row.condition() for row in rows) if c]
                values["conditions"] = {form.cleaned_data["match"] or "all": leaves}
                text = json.dumps(values["conditions"], ensure_ascii=False, indent=2)
            else:
                error = " ".join(str(e) for f in rows.errors for es in f.values() for e in es)
                error = error or " ".join(str(e) for e in rows.non_form_errors())
        else:
            text = values["conditions"]
        if not error:
            try:
                rule_update(actor=request.user, rule=rule, **values)
                messages.success(
                    request, _("Saved as a new version. Flags follow at the next evaluation.")
                )
                return redirect("flags:rule_detail", pk=rule.pk)
            except ValidationError as exc:
                error = " ".join(exc.messages)
    try:
        require_rule_edit(request.user, rule.township_code)
        can_edit = True
    except PermissionDenied:
        can_edit = False
    return render(
        request,
        "flags/rule_detail.html",
        {
            "rule": rule,
            "can_edit": can_edit,
            "plain": describe_conditions(current, sources=dict(sources), tags=tags),
            "versions": rule.versions.select_related("created_by"),
            "conditions": text,
            "rows": rows if flat or (post and post.get("mode") == "form") else None,
            "match": flat[0] if flat else "all",
            "kinds": CONDITION_KINDS,
            "sources": sources,
            "tags": sorted(tags.items()),
            "error": error,
        },
        status=400 if error else 200,
    )
