"""Pages of the five-star rating: my stars, the branch's round, the township's approvals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import area_prefixes, in_areas, townships_of
from wangge.assessment import public as pages
from wangge.assessment import stars
from wangge.assessment.forms_stars import (
    CriteriaForm,
    MemberStarsForm,
    ObjectionAnswerForm,
    RoundActForm,
    RoundOpenForm,
    SelfEvaluationForm,
)
from wangge.assessment.models import (
    STAR_KINDS,
    PublicRating,
    StarKind,
    StarObjection,
    StarRound,
    StarStep,
)
from wangge.core.errors import DomainError
from wangge.core.forms import cleaned_or_raise, year_from
from wangge.core.views import show_error, show_form_errors
from wangge.party.models import Member, Organisation
from wangge.regions.models import Region

KIND_LABELS = dict(StarKind.choices)


def _year(request) -> int:
    return year_from(request.GET, request.POST)


def _labels(kinds) -> list[str]:
    return [str(KIND_LABELS[k]) for k in kinds if k in KIND_LABELS]


def my_stars(request):
    """A member's stars: this year's round (self-evaluation, peer ballot) and past years."""
    member = getattr(request.user, "member", None)
    if member is None:
        raise PermissionDenied(_("Only Party members have stars; this login is not a member."))
    round_ = stars.my_round(request.user)
    own = None
    if round_ is not None:
        own = round_.self_evaluations.filter(member=member).first()
    by_year = stars.stars_by_year(member)
    context = {
        "member": member,
        "round": round_,
        "own": own,
        "kinds": StarKind.choices,
        "criteria": stars.criteria_for(member.township_code, round_.year) if round_ else {},
        "voted": stars.has_peer_voted(request.user, round_) if round_ else False,
        "by_year": [(y, _labels(k)) for y, k in by_year.items()],
        "events": list(round_.events.all()) if round_ else [],
    }
    return render(request, "assessment/stars/mine.html", context)


@require_POST
def self_evaluate(request, pk: int):
    round_ = stars.round_for_user(request.user, pk)
    form = SelfEvaluationForm(request.POST)
    try:
        stars.star_self_evaluate(actor=request.user, round_=round_, **cleaned_or_raise(form))
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("Your self-evaluation is saved."))
    return redirect("assessment:my_stars")


def peer_ballot(request, pk: int):
    """The anonymous peer ballot: stars for each fellow member of the branch."""
    round_ = stars.round_for_user(request.user, pk)
    member = getattr(request.user, "member", None)
    if member is None or member.organisation_id != round_.organisation_id:
        raise PermissionDenied(_("Only members of this branch vote in its peer evaluation."))
    fellows = list(stars.branch_members(round_).exclude(pk=member.pk).only("pk", "name"))
    if request.method == "POST":
        form = MemberStarsForm(request.POST, member_ids=[m.pk for m in fellows])
        try:
            cleaned_or_raise(form)
            n = stars.star_peer_vote(actor=request.user, round_=round_, choices=form.ticked())
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(
                request, _("Your anonymous ballot is counted (%(n)s stars ticked).") % {"n": n}
            )
            return redirect("assessment:my_stars")
    context = {
        "round": round_,
        "fellows": fellows,
        "kinds": StarKind.choices,
        "voted": stars.has_peer_voted(request.user, round_),
    }
    return render(request, "assessment/stars/peer.html", context)


def _branches_to_open(user, year: int):
    prefixes = area_prefixes(user, stars.BRANCH_ROLES)
    taken = StarRound.objects.filter(year=year).values("organisation_id")
    with_members = Member.objects.values("organisation_id")
    return (
        in_areas(Organisation.objects.all(), prefixes)
        .filter(pk__in=with_members)
        .exclude(pk__in=taken)
        .order_by("area_code", "name")
    )


def round_list(request):
    """Rounds in the user's area for a year; the township's approvals and objections."""
    runs = area_prefixes(request.user, stars.BRANCH_ROLES)
    approves = area_prefixes(request.user, stars.TOWNSHIP_ROLES)
    year = _year(request)
    step = request.GET.get("step", "")
    rounds = stars.rounds_for_user(request.user).filter(year=year)
    if step in StarStep.values:
        rounds = rounds.filter(step=step)
    open_objections = StarObjection.objects.filter(
        round__in=rounds, answered_at__isnull=True
    ).count()
    context = {
        "year": year,
        "step": step,
        "steps": StarStep.choices,
        "rounds": rounds,
        "may_open": bool(runs),
        "approves": bool(approves),
        "branches": _branches_to_open(request.user, year) if runs else [],
        "open_objections": open_objections,
    }
    return render(request, "assessment/stars/rounds.html", context)


@require_POST
def round_open(request):
    year = _year(request)
    branches = in_areas(Organisation.objects.all(), area_prefixes(request.user, stars.BRANCH_ROLES))
    form = RoundOpenForm(request.POST, organisations=branches)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(f"{_rounds_url()}?year={year}")
    try:
        round_ = stars.round_open(actor=request.user, year=year, **form.cleaned_data)
    except DomainError as exc:
        show_error(request, exc)
        return redirect(f"{_rounds_url()}?year={year}")
    return redirect("assessment:round_detail", pk=round_.pk)


def _rounds_url() -> str:
    return reverse("assessment:rounds")


def round_detail(request, pk: int):
    round_ = stars.round_for_user(request.user, pk)
    lines = stars.round_lines(round_)
    for line in lines:
        line.self_labels = _labels(line.self_kinds)
        line.award_labels = _labels(line.awards)
        line.peer_rows = [(str(KIND_LABELS[k]), line.peer.get(k, 0)) for k in STAR_KINDS]
    members = Member.objects.filter(organisation_id=round_.organisation_id)
    context = {
        "round": round_,
        "lines": lines,
        "events": round_.events.select_related("actor"),
        "kinds": StarKind.choices,
        "criteria": [
            (KIND_LABELS[k], t)
            for k, t in stars.criteria_for(round_.township_code, round_.year).items()
        ],
        "runs": stars.may_run_round(request.user, round_),
        "approves": stars.may_approve(request.user, round_),
        "quorum": stars.peer_quorum(round_),
        "quorum_reached": stars.peer_quorum_reached(round_),
        "notice_open": stars.notice_open(round_),
        "objections": round_.objections.select_related("member"),
        "served": pages.residents_served(members),
        "ratings": PublicRating.choices,
        "self_count": sum(1 for line in lines if line.self_kinds),
        # Counts move as each ballot arrives: shown only once the peer step is closed, so
        # nobody watching the page learns what the last voter ticked.
        "peer_shown": round_.step not in (StarStep.SELF, StarStep.PEER),
    }
    return render(request, "assessment/stars/round.html", context)


@require_POST
def round_act(request, pk: int):
    """One step of the round: close an evaluation, propose, approve, return, make final."""
    round_ = stars.round_for_user(request.user, pk)
    form = RoundActForm(request.POST)
    if not form.is_valid():
        if "action" in form.errors:
            raise Http404
        show_form_errors(request, form)
        return redirect("assessment:round_detail", pk=round_.pk)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "advance":
            stars.round_advance(
                actor=request.user, round_=round_, expected=form.cleaned_data["expected"]
            )
        elif action == "propose":
            ids = stars.branch_members(round_).values_list("pk", flat=True)
            proposals = MemberStarsForm(request.POST, member_ids=ids)
            cleaned_or_raise(proposals)
            stars.star_propose(
                actor=request.user, round_=round_, proposals=proposals.ticked(), note=note
            )
        elif action == "approve":
            stars.round_approve(actor=request.user, round_=round_, note=note)
        elif action == "return":
            stars.round_return(actor=request.user, round_=round_, note=note)
        else:
            stars.round_finalize(actor=request.user, round_=round_)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request,
            _("Saved: the round is now at “%(step)s”.")
            % {"step": StarRound.objects.get(pk=round_.pk).get_step_display()},
        )
    return redirect("assessment:round_detail", pk=round_.pk)


@require_POST
def objection_answer(request, pk: int):
    objection = StarObjection.objects.select_related("round").filter(pk=pk).first()
    if objection is None:
        raise Http404
    stars.round_for_user(request.user, objection.round_id)  # 404 outside the user's area
    form = ObjectionAnswerForm(request.POST)
    try:
        answer = cleaned_or_raise(form)["answer"]
        stars.objection_answer(actor=request.user, objection=objection, answer=answer)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The answer is recorded."))
    return redirect("assessment:round_detail", pk=objection.round_id)


def criteria_edit(request):
    """The township office writes what earns each star in a year."""
    codes = townships_of(request.user, stars.TOWNSHIP_ROLES)
    if not codes:
        raise PermissionDenied(_("Only the township office edits the star criteria."))
    township = Region.objects.get(code=codes[0])
    year = _year(request)
    if request.method == "POST":
        form = CriteriaForm(request.POST)
        try:
            texts = cleaned_or_raise(form)
            stars.criteria_set(actor=request.user, township=township, year=year, texts=texts)
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("The criteria are saved."))
            return redirect(f"{request.path}?year={year}")
    current = stars.criteria_for(township.code, year)
    rows = [(k, KIND_LABELS[k], current[k]) for k in STAR_KINDS]
    return render(
        request,
        "assessment/stars/criteria.html",
        {"township": township, "year": year, "rows": rows},
    )
