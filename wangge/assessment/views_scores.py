"""Pages of duties, scores and talks (S11): the member's own scores and service list, the
township's distribution with the lists under the threshold and commended, every score's
indicators and every indicator's records, the scheme, the duty lists and the discipline
committee's queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes, can_see_area, has_role
from wangge.assessment import admonish
from wangge.assessment.compute import (
    INSPECTORS,
    SCHEME_EDITORS,
    approvals_for,
    approve,
    entry_save,
    scheme_current,
    scheme_save,
    township_locked,
)
from wangge.assessment.duties import (
    LEVELS,
    can_edit_duties,
    duty_history,
    duty_list_save,
    duty_lists_current,
    level_label,
    service_list,
)
from wangge.assessment.forms_scores import (
    DutyListForm,
    MarkForm,
    PeriodForm,
    SchemeForm,
    ScoreApproveForm,
    ScoreComputeForm,
    TalkCloseForm,
)
from wangge.assessment.models import InspectorEntry, Score, SubjectKind, Talk, TalkStatus
from wangge.assessment.score_selectors import (
    lines_of,
    my_scores,
    overview,
    score_for_user,
    score_townships,
    subject_name,
    viewer_prefixes,
)
from wangge.assessment.scoring import DEFAULT_WEIGHTS, REGISTRY, label_of
from wangge.assessment.tasks import compute_scores_task
from wangge.campaigns.selectors import accountability_list
from wangge.core.errors import DomainError
from wangge.core.forms import errors_text
from wangge.core.periods import PeriodError, month_period, parse_period
from wangge.core.views import show_error, show_form_errors
from wangge.party.selectors import member_for_user
from wangge.regions.models import Level, Region


def _township(user, requested: str = "") -> str:
    townships = score_townships(user)
    if not townships:
        raise PermissionDenied(_("Scores of an area are shown to its leaders."))
    if requested and requested in townships:
        return requested
    if requested:
        raise Http404
    return townships[0]


def _period(request):
    """The period asked for (``period``), else last month; a bad value says what to fix."""
    form = PeriodForm(request.GET if request.GET.get("period") else request.POST)
    if not form.is_valid():
        return None, errors_text(form)
    value = form.cleaned_data["period"][:40]
    if not value:
        today = timezone.localdate()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return month_period(year, month), ""
    try:
        period = parse_period(value)
    except PeriodError as exc:
        return None, str(exc)
    if period.kind == "custom":
        return None, _("Scores are kept by month, quarter, half-year or year.")
    return period, ""


# ---------------------------------------------------------------- the member's own


def mine(request):
    """The member's own scores (newest first), their talk items and a link to their list."""
    if not getattr(request.user, "member_id", None):
        raise PermissionDenied(_("Your login is not linked to a Party member record."))
    talks = Talk.objects.filter(member_id=request.user.member_id).order_by("-period_key")
    return render(
        request,
        "assessment/scores/mine.html",
        {"scores": my_scores(request.user)[:60], "talks": talks},
    )


def my_service_list(request):
    member = getattr(request.user, "member", None)
    if member is None:
        raise PermissionDenied(_("Your login is not linked to a Party member record."))
    return _service_list_page(request, member)


def member_service_list(request, pk: int):
    return _service_list_page(request, member_for_user(request.user, pk))


def _service_list_page(request, member):
    data = service_list(member)
    return render(
        request,
        "assessment/scores/service_list.html",
        {"data": data, "member": member, "today": timezone.localdate()},
    )


# ---------------------------------------------------------------- a score and its records


def score_detail(request, pk: int):
    score = score_for_user(request.user, pk)
    inspector = score.subject_kind == SubjectKind.MEMBER and any(
        score.area_code.startswith(p) for p in area_prefixes(request.user, INSPECTORS)
    )
    locked = township_locked(score.township_code, score.period_key)
    if request.method == "POST":
        if not inspector:
            raise PermissionDenied(_("Only inspectors of this area may enter marks."))
        form = MarkForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            data = form.cleaned_data
            try:
                entry_save(
                    actor=request.user,
                    member=score.member,
                    period=parse_period(score.period_key),
                    key=data["key"],
                    mark=data["mark"],
                    note=data["note"],
                )
            except (ValidationError, DomainError, PermissionDenied) as exc:
                show_error(request, exc)
            else:
                compute_scores_task(score.township_code, score.period_key)
                messages.success(
                    request, _("The mark is recorded; the period's scores are being recomputed.")
                )
        new = Score.objects.filter(member_id=score.member_id, period_key=score.period_key).first()
        return redirect("assessment:score_detail", pk=(new or score).pk)
    entries = []
    if score.member_id:
        entries = InspectorEntry.objects.filter(
            member_id=score.member_id, period_key=score.period_key
        ).order_by("key")
    return render(
        request,
        "assessment/scores/detail.html",
        {
            "score": score,
            "name": subject_name(score),
            "lines": lines_of(score),
            "entries": [(label_of(e.key), e) for e in entries],
            "inspector": inspector and not locked,
            "locked": locked,
            "form": MarkForm() if inspector and not locked else None,
        },
    )


def indicator_records(request, pk: int, key: str):
    score = score_for_user(request.user, pk)
    line = next((line for line in lines_of(score) if line.key == key), None)
    found = REGISTRY.get(key)
    if line is None or found is None:
        raise Http404
    if score.subject_kind == SubjectKind.GRID:
        members = Score.objects.filter(
            period_key=score.period_key,
            subject_kind=SubjectKind.MEMBER,
            member__grid_memberships__grid_id=score.grid_id,
        ).select_related("member")
        rows, member_rows = [], [(s, next(iter(lines_of_key(s, key)), None)) for s in members]
    else:
        rows = found.records(score.member, parse_period(score.period_key))
        member_rows = []
    return render(
        request,
        "assessment/scores/records.html",
        {
            "score": score,
            "name": subject_name(score),
            "line": line,
            "rows": rows,
            "member_rows": sorted(member_rows, key=lambda r: r[0].member.name),
        },
    )


def lines_of_key(score: Score, key: str):
    return [line for line in lines_of(score) if line.key == key]


# ---------------------------------------------------------------- the township's view


def score_overview(request):
    township = _township(request.user, request.GET.get("township", ""))
    period, period_error = _period(request)
    # A village's leaders see their village; the township's, the township.
    mine = [p for p in viewer_prefixes(request.user) if p.startswith(township)] or [township]
    area_code = (request.GET.get("area") or mine[0]).strip()
    if not area_code.startswith(township) or not area_code.isdigit():
        raise Http404
    scheme = scheme_current(township)
    data = None
    if period is not None:
        data = overview(
            request.user,
            area_code,
            period.key,
            commended_size=scheme.commended_size if scheme else 10,
            threshold=scheme.threshold if scheme else 80,
        )
    villages = list(Region.objects.filter(level=Level.VILLAGE, parent_id=township).order_by("code"))
    approvals = approvals_for(township, period.key) if period else {}
    can_compute = any(township.startswith(p) for p in area_prefixes(request.user, SCHEME_EDITORS))
    village_rows = [
        {
            "region": v,
            "approval": approvals.get(v.code),
            "may_approve": any(
                v.code.startswith(p)
                for p in area_prefixes(
                    request.user,
                    {"village_secretary", "township_admin", "township_leader"},
                )
            ),
        }
        for v in villages
    ]
    return render(
        request,
        "assessment/scores/overview.html",
        {
            "township": Region.objects.get(code=township),
            "area_code": area_code,
            "period": period,
            "period_error": period_error,
            "data": data,
            "scheme": scheme,
            "villages": village_rows,
            "township_approval": approvals.get(township),
            "may_approve_township": any(
                township.startswith(p)
                for p in area_prefixes(request.user, {"township_admin", "township_leader"})
            ),
            "can_compute": can_compute,
            "locked": bool(approvals.get(township)),
        },
    )


@require_POST
def score_compute(request):
    form = ScoreComputeForm(request.POST)
    township = _township(request.user, form.cleaned_data["township"] if form.is_valid() else "?")
    period, period_error = _period(request)
    if period is None:
        messages.error(request, period_error)
        return redirect("assessment:score_overview")
    if not any(township.startswith(p) for p in area_prefixes(request.user, SCHEME_EDITORS)):
        raise PermissionDenied(_("Only the township's organisation office may compute scores."))
    if township_locked(township, period.key):
        messages.error(
            request,
            _("The scores of %(period)s are approved and locked; they cannot change.")
            % {"period": period.key},
        )
    else:
        compute_scores_task(township, period.key)
        messages.success(
            request,
            _("The scores of %(period)s are being computed; reload the page in a moment.")
            % {"period": period.key},
        )
    return redirect(f"{_overview_url()}?period={period.key}")


def _overview_url() -> str:
    return reverse("assessment:score_overview")


@require_POST
def score_approve(request):
    period, period_error = _period(request)
    form = ScoreApproveForm(request.POST)
    code = form.cleaned_data["area"] if form.is_valid() else ""
    area = Region.objects.filter(code=code).first() if code.isdigit() else None
    if area is None or not can_see_area(request.user, code):
        raise Http404
    if period is None:
        messages.error(request, period_error)
    else:
        try:
            approve(actor=request.user, area=area, period=period)
        except (DomainError, PermissionDenied) as exc:
            show_error(request, exc)
        else:
            messages.success(
                request,
                _("%(area)s's scores of %(period)s are approved and locked.")
                % {"area": area.name, "period": period.key},
            )
    return redirect(f"{_overview_url()}?period={period.key if period else ''}")


# ---------------------------------------------------------------- the scheme


def scheme_page(request):
    township = _township(request.user, request.GET.get("township", ""))
    editor = any(township.startswith(p) for p in area_prefixes(request.user, SCHEME_EDITORS))
    scheme = scheme_current(township)
    weights = {i.key: i.weight for i in scheme.indicators.all()} if scheme else DEFAULT_WEIGHTS
    initial = {
        "threshold": scheme.threshold if scheme else 80,
        "repeat_days": scheme.repeat_days if scheme else 365,
        "commended_size": scheme.commended_size if scheme else 10,
    }
    form = SchemeForm(request.POST or None, weights=weights, initial=initial)
    status = 200
    if request.method == "POST":
        if not editor:
            raise PermissionDenied(
                _("Only the township's organisation office may change the scoring scheme.")
            )
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            try:
                new = scheme_save(
                    actor=request.user,
                    township_code=township,
                    weights=form.weights(),
                    threshold=data["threshold"],
                    repeat_days=data["repeat_days"],
                    commended_size=data["commended_size"],
                )
            except ValidationError as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Version %(v)d of the scheme is saved; scores computed before keep theirs.")
                    % {"v": new.version},
                )
                return redirect("assessment:scheme")
    rows = [(label_of(key), weights.get(key, 0), REGISTRY[key].entered) for key in REGISTRY]
    return render(
        request,
        "assessment/scores/scheme.html",
        {"scheme": scheme, "form": form, "editor": editor, "rows": rows},
        status=status,
    )


# ---------------------------------------------------------------- duty lists


def duty_index(request):
    townships = score_townships(request.user) or (
        [request.user.member.township_code] if getattr(request.user, "member", None) else []
    )
    if not townships:
        raise PermissionDenied(_("Duty lists are shown to the township's members and leaders."))
    township = townships[0]
    current = duty_lists_current(township)
    return render(
        request,
        "assessment/scores/duties.html",
        {
            "levels": [(level, level_label(level), current[level]) for level in LEVELS],
            "editor": can_edit_duties(request.user, township),
        },
    )


def duty_edit(request, level: int):
    townships = score_townships(request.user)
    if not townships or level not in LEVELS:
        raise Http404
    township = townships[0]
    editor = can_edit_duties(request.user, township)
    current = duty_lists_current(township)[level]
    form = DutyListForm(
        request.POST or None, initial={"items": "\n".join(current.items) if current else ""}
    )
    if request.method == "POST":
        if not editor:
            raise PermissionDenied(
                _("Only the township's organisation office may edit duty lists.")
            )
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            try:
                duty = duty_list_save(
                    actor=request.user,
                    township_code=township,
                    level=level,
                    items=form.cleaned_data["items"].splitlines(),
                )
            except (ValidationError, PermissionDenied) as exc:
                show_error(request, exc)
            else:
                messages.success(request, _("Version %(v)d is saved.") % {"v": duty.version})
                return redirect("assessment:duties")
    return render(
        request,
        "assessment/scores/duty_edit.html",
        {
            "level": level,
            "label": level_label(level),
            "form": form,
            "editor": editor,
            "history": duty_history(township, level),
        },
    )


# ---------------------------------------------------------------- the discipline queue


def talk_queue(request):
    """Talks below the threshold and the campaigns' accountability records, in one queue."""
    if not area_prefixes(request.user, admonish.QUEUE_READERS):
        raise PermissionDenied(_("The queue of talks is the discipline committee's."))
    status = request.GET.get("status", "")
    talks = admonish.queue_talks(request.user)
    if status in TalkStatus.values:
        talks = talks.filter(status=status)
    records = accountability_list(request.user)
    if status == TalkStatus.OPEN:
        records = records.exclude(status="decided")
    elif status == TalkStatus.DONE:
        records = records.filter(status="decided")
    return render(
        request,
        "assessment/scores/queue.html",
        {
            "talks": talks[:200],
            "records": records[:200],
            "status": status,
            "statuses": TalkStatus.choices,
        },
    )


def talk_detail(request, pk: int):
    talk = Talk.objects.select_related("member", "area", "score").filter(pk=pk).first()
    if talk is None:
        raise Http404
    reader = admonish.reads_queue(request.user, talk)
    own = getattr(request.user, "member_id", None) == talk.member_id
    if not reader and not own:
        raise Http404
    holder = has_role(request.user, "discipline") and any(
        talk.area_code.startswith(p) for p in area_prefixes(request.user, admonish.TALK_HOLDERS)
    )
    form = TalkCloseForm(
        request.POST or None,
        initial={"version": talk.version, "held_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if not holder:
            raise PermissionDenied(_("Only the discipline committee may record a talk."))
        if not form.is_valid():
            show_form_errors(request, form)
            status = 400
        else:
            data = form.cleaned_data
            try:
                admonish.talk_close(
                    actor=request.user,
                    talk=talk,
                    held_on=data["held_on"],
                    held_by=data["held_by"],
                    notes=data["notes"],
                    outcome=data["outcome"],
                    expected_version=data["version"],
                )
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
                status = 400
            else:
                messages.success(request, _("The talk is recorded as done."))
                return redirect("assessment:talk_detail", pk=talk.pk)
    return render(
        request,
        "assessment/scores/talk.html",
        {
            "talk": talk,
            "reader": reader,
            "holder": holder and talk.status == TalkStatus.OPEN,
            "form": form,
            "lines": lines_of(talk.score) if talk.score_id else [],
        },
        status=status,
    )
