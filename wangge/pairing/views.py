"""Pairing pages: overview per village, by member, by household, unpaired, proposals, rules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.scope import can_see_area, can_write_registry
from wangge.core.errors import DomainError
from wangge.core.views import redirect_back, show_error, show_form_errors
from wangge.pairing.forms import (
    CapForm,
    EndForm,
    PairHouseholdForm,
    PairMemberForm,
    ProposeForm,
    RulesForm,
)
from wangge.pairing.models import ProposalStatus
from wangge.pairing.rules import cap_reason, caps_for, rules_for
from wangge.pairing.selectors import (
    _household_history,
    _member_history,
    _own_cap,
    _proposal_rows,
    household_for_user,
    key_households_unpaired,
    member_for_user,
    members_with_load,
    my_pairing_history,
    pairing_for_user,
    proposal_for_user,
    staff_prefixes,
    village_summary,
    villages_for_user,
)
from wangge.pairing.services import (
    RULE_FIELDS,
    can_edit_rules,
    can_set_cap,
    end_reason_text,
    member_cap_set,
    pairing_create,
    pairing_end,
    proposal_apply,
    proposal_create,
    rules_update,
)
from wangge.regions.codes import township_of, village_of
from wangge.regions.models import Level

PROPOSAL_ROWS = 200


def _village_param(request, villages) -> str:
    code = request.GET.get("village", "")
    return code if any(v.code == code for v in villages) else ""


def overview(request):
    if not staff_prefixes(request.user):
        return redirect("pairing:mine")
    villages = villages_for_user(request.user)
    writable = [v for v in villages if can_write_registry(request.user, v.code)]
    township = township_of(villages[0].code) if villages else None
    return render(
        request,
        "pairing/overview.html",
        {
            "summary": village_summary(request.user),
            "proposable": writable,
            "can_edit_rules": bool(township) and can_edit_rules(request.user, township),
        },
    )


def mine(request):
    rows = my_pairing_history(request.user)
    member = request.user.member
    return render(request, "pairing/mine.html", {"member": member, "rows": rows})


def _caps_context(members, township_code: str):
    rules = rules_for(township_code)
    today = timezone.localdate()
    caps = caps_for(members, rules, today)
    for m in members:
        m.cap = caps[m.pk]
        own = getattr(m, "pairing_cap", None)
        m.cap_source = cap_reason(m, rules, today, own)
    return rules


def member_loads(request):
    villages = villages_for_user(request.user)
    if not villages:
        raise Http404
    village = _village_param(request, villages)
    page = Paginator(members_with_load(request.user, village=village), 50).get_page(
        request.GET.get("page")
    )
    members = list(page.object_list)
    if members:
        _caps_context(members, members[0].township_code)
    return render(
        request,
        "pairing/member_loads.html",
        {"page": page, "members": members, "villages": villages, "village": village},
    )


def unpaired(request):
    villages = villages_for_user(request.user)
    if not villages:
        raise Http404
    village = _village_param(request, villages)
    page = Paginator(key_households_unpaired(request.user, village=village), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "pairing/unpaired.html",
        {"page": page, "villages": villages, "village": village},
    )


def member_detail(request, pk: int):
    member = member_for_user(request.user, pk)
    rows = list(_member_history(member))
    _caps_context([member], member.township_code)
    current = [r for r in rows if r.active]
    can_write = can_write_registry(request.user, member.area_code)
    choices = []
    if can_write and len(current) < member.cap:
        choices = key_households_unpaired(
            request.user, village=village_of(member.area_code) or member.area_code
        )[:200]
    return render(
        request,
        "pairing/member_detail.html",
        {
            "member": member,
            "current": current,
            "past": [r for r in rows if not r.active],
            "can_write": can_write,
            "choices": choices,
            "can_set_cap": can_set_cap(request.user, member),
            "own_cap": _own_cap(member),
        },
    )


def household_detail(request, pk: int):
    household = household_for_user(request.user, pk)
    rows = list(_household_history(household))
    can_write = can_write_registry(request.user, household.area_code)
    choices = []
    if can_write:
        candidates = list(
            members_with_load(
                request.user, village=village_of(household.area_code) or household.area_code
            )
            .exclude(pk__in=[r.member_id for r in rows if r.active])
            .filter(is_mobile=False)[:500]
        )
        if candidates:
            _caps_context(candidates, household.township_code)
        choices = [m for m in candidates if m.load < m.cap]
    return render(
        request,
        "pairing/household_detail.html",
        {
            "household": household,
            "current": [r for r in rows if r.active],
            "past": [r for r in rows if not r.active],
            "can_write": can_write,
            "choices": choices,
        },
    )


def _pair_and_say(request, member, household) -> None:
    try:
        pairing_create(actor=request.user, member=member, household=household)
        messages.success(
            request,
            _("%(member)s is now paired with %(head)s.")
            % {"member": member.name, "head": household.head_name},
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)


@require_POST
def pair(request, pk: int):
    """Pair a member with the household ``pk`` (from either detail page)."""
    household = household_for_user(request.user, pk)
    form = PairMemberForm(request.POST)
    try:
        if not form.is_valid():
            raise Http404
        member = member_for_user(request.user, form.cleaned_data["member"])
    except Http404:
        messages.error(request, _("Choose a member from the list."))
        return redirect("pairing:household_detail", pk=household.pk)
    _pair_and_say(request, member, household)
    next_url = form.cleaned_data["next"]
    return redirect_back(request, next_url, "pairing:household_detail", pk=household.pk)


@require_POST
def member_pair(request, pk: int):
    """Pair the member ``pk`` with a household chosen on the member's page."""
    member = member_for_user(request.user, pk)
    form = PairHouseholdForm(request.POST)
    try:
        if not form.is_valid():
            raise Http404
        household = household_for_user(request.user, form.cleaned_data["household"])
    except Http404:
        messages.error(request, _("Choose a household from the list."))
        return redirect("pairing:member_detail", pk=member.pk)
    _pair_and_say(request, member, household)
    return redirect("pairing:member_detail", pk=member.pk)


@require_POST
def end(request, pk: int):
    pairing = pairing_for_user(request.user, pk)
    form = EndForm(request.POST)
    form.is_valid()  # a free text that may be empty: the service says when it is missing
    try:
        pairing_end(actor=request.user, pairing=pairing, reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("Pairing ended; it stays in the history."))
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    next_url = form.cleaned_data.get("next", "")
    return redirect_back(request, next_url, "pairing:household_detail", pk=pairing.household_id)


@require_POST
def member_cap(request, pk: int):
    member = member_for_user(request.user, pk)
    form = CapForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("pairing:member_detail", pk=member.pk)
    try:
        member_cap_set(
            actor=request.user,
            member=member,
            cap=form.cleaned_data["cap"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Cap saved."))
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    return redirect("pairing:member_detail", pk=member.pk)


@require_POST
def propose(request):
    form = ProposeForm(request.POST)
    code = form.cleaned_data["area_code"] if form.is_valid() else ""
    if not code or not can_see_area(request.user, code):
        raise Http404
    try:
        proposal = proposal_create(actor=request.user, area_code=code)
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
        return redirect("pairing:overview")
    return redirect("pairing:proposal_detail", pk=proposal.pk)


def _named_rows(plan: dict):
    adds, ends, uncovered = _proposal_rows(plan, limit=PROPOSAL_ROWS)
    return adds, [(pairing, end_reason_text(code)) for pairing, code in ends], uncovered


def proposal_detail(request, pk: int):
    proposal = proposal_for_user(request.user, pk)
    adds, ends, uncovered = _named_rows(proposal.plan)
    return render(
        request,
        "pairing/proposal_detail.html",
        {
            "proposal": proposal,
            "adds": adds,
            "ends": ends,
            "uncovered": uncovered,
            "shortfalls": proposal.plan.get("shortfalls", []),
            "more_adds": max(0, proposal.adds - len(adds)),
            "more_ends": max(0, proposal.ends - len(ends)),
            "more_uncovered": max(0, proposal.uncovered - len(uncovered)),
            "can_apply": proposal.status == ProposalStatus.OPEN
            and can_write_registry(request.user, proposal.area_code),
        },
    )


@require_POST
def proposal_confirm(request, pk: int):
    proposal = proposal_for_user(request.user, pk)
    try:
        proposal_apply(actor=request.user, proposal=proposal)
        messages.success(
            request,
            _("Applied: %(a)d paired, %(e)d ended, %(k)d kept.")
            % {"a": proposal.adds, "e": proposal.ends, "k": proposal.keeps},
        )
    except (ValidationError, DomainError) as exc:
        show_error(request, exc)
    return redirect("pairing:proposal_detail", pk=proposal.pk)


def rules_edit(request):
    townships = [v for v in villages_for_user(request.user) if v.level == Level.TOWNSHIP]
    township = next((t for t in townships if can_edit_rules(request.user, t.code)), None)
    if township is None:
        raise PermissionDenied
    rules = rules_for(township.code)
    if request.method == "POST":
        form = RulesForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            values = {name: form.cleaned_data[name] for name in RULE_FIELDS}
            try:
                rules_update(
                    actor=request.user,
                    township_code=township.code,
                    expected_version=form.cleaned_data["version"] or 0,
                    values=values,
                )
                messages.success(request, _("Pairing rules saved."))
                return redirect("pairing:rules")
            except (ValidationError, DomainError) as exc:
                show_error(request, exc)
        # Show what was typed (what parsed) again, beside the error.
        for name in RULE_FIELDS:
            if form.cleaned_data.get(name) is not None:
                setattr(rules, name, form.cleaned_data[name])
    fields = [(name, rules._meta.get_field(name), getattr(rules, name)) for name in RULE_FIELDS]
    return render(
        request, "pairing/rules.html", {"rules": rules, "township": township, "fields": fields}
    )
