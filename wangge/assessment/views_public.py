"""The member's public page (三亮): the member's own settings, the door plate, and the page
residents reach without logging in (with the public form's protections for votes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from wangge.assessment import public as pages
from wangge.assessment import stars
from wangge.assessment.forms_public import PublicPageForm, PublicResponseForm
from wangge.assessment.models import PublicRating, StarKind, StarRound, StarStep, Visibility
from wangge.core import public as protections
from wangge.core.errors import DomainError
from wangge.core.forms import cleaned_or_raise, errors_text
from wangge.core.views import show_error, too_many_requests
from wangge.party.selectors import member_for_user

KIND_LABELS = dict(StarKind.choices)


def public_url(request, page) -> str:
    return request.build_absolute_uri(reverse("member_public", args=[page.token]))


def _own_member(request):
    member = getattr(request.user, "member", None)
    if member is None:
        raise PermissionDenied(_("Only Party members have a public page; this login is not one."))
    return member


def my_page(request):
    """The member writes their commitments and chooses whether the page is shown."""
    member = _own_member(request)
    page = pages.page_for(member)
    if request.method == "POST":
        form = PublicPageForm(request.POST)
        try:
            page = pages.page_update(actor=request.user, member=member, **cleaned_or_raise(form))
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, _("Your public page is saved."))
            return redirect("assessment:my_page")
    context = {
        "member": member,
        "page": page,
        "shown": page.is_shown(member),
        "url": public_url(request, page),
        "choices": Visibility.choices,
    }
    return render(request, "assessment/public/mine.html", context)


def _plate_member(request):
    """Their own plate for a member; any member's in their area for village and township staff."""
    wanted = request.GET.get("member")
    if wanted:
        member = member_for_user(request.user, int(wanted) if wanted.isdigit() else 0)
        staff = stars.has_role_over(request.user, stars.BRANCH_ROLES, member.area_code)
        if not staff and member.pk != getattr(request.user, "member_id", None):
            raise PermissionDenied(_("Only village and township staff print door plates."))
        return member
    return _own_member(request)


def plate_png(request):
    member = _plate_member(request)
    url = public_url(request, pages.page_for(member))
    response = HttpResponse(pages.door_plate_png(member, url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="member-plate-{member.pk}.png"'
    return response


def plate_pdf(request):
    member = _plate_member(request)
    url = public_url(request, pages.page_for(member))
    response = HttpResponse(pages.door_plate_pdf(member, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="member-plate-{member.pk}.pdf"'
    return response


# --- the page residents see -------------------------------------------------------------


def _open_round(member) -> StarRound | None:
    return (
        StarRound.objects.filter(
            organisation_id=member.organisation_id, step__in=[StarStep.PUBLIC, StarStep.NOTICE]
        )
        .order_by("-year")
        .first()
    )


def _context(page, **extra) -> dict:
    member = page.member
    grid = pages.grid_of(member)
    round_ = _open_round(member)
    by_year = stars.stars_by_year(member)
    proposed = []
    if round_ is not None and round_.step == StarStep.NOTICE:
        proposed = [
            str(KIND_LABELS[k])
            for k in round_.awards.filter(member=member).values_list("kind", flat=True)
        ]
    return {
        "page": page,
        "member": member,
        "grid": grid,
        "form_key": pages.request_form_key(grid),
        "duties": pages.duties_of(member),
        "by_year": [(y, [str(KIND_LABELS[k]) for k in kinds]) for y, kinds in by_year.items()],
        "round": round_,
        "proposed": proposed,
        "notice_open": bool(round_ and stars.notice_open(round_)),
        "ratings": PublicRating.choices,
        "challenge": protections.challenge_new(),
        "post": {},
        **extra,
    }


def _too_many(request, phone: str) -> bool:
    ip = protections.client_ip(request)
    if protections.rate_limited("vote_per_ip", ip):
        return True
    try:
        normal = stars.normal_phone(phone)
    except DomainError:
        return False
    return protections.rate_limited("vote_per_phone", stars.phone_hash(normal))


@never_cache
def member_public(request, token: str):
    page = pages.page_by_token(token)
    if page is None:
        raise Http404
    if request.method != "POST":
        return render(request, "assessment/public/page.html", _context(page))
    form = PublicResponseForm(request.POST)
    if not form.is_valid():
        context = _context(page, errors={"form": errors_text(form)}, post=request.POST)
        return render(request, "assessment/public/page.html", context, status=400)
    data = form.cleaned_data
    action = data["action"]
    round_ = _open_round(page.member)
    errors: dict = {}
    try:
        protections.challenge_check(data["token"], data["answer"], data["website"])
    except ValueError as exc:
        errors["answer"] = str(exc)
    phone = data["phone"]
    if not errors and _too_many(request, phone):
        return too_many_requests(
            request, _("Too many tries from this phone or connection. Please wait an hour.")
        )
    done = ""
    if not errors:
        try:
            if round_ is None:
                raise DomainError(_("There is nothing to rate on this page now."))
            if action == "vote":
                stars.star_public_vote(
                    round_=round_,
                    member=page.member,
                    phone=phone,
                    rating=data["rating"],
                )
                done = _("Thank you, your rating is recorded.")
            elif action == "objection":
                stars.objection_raise(
                    round_=round_,
                    member=page.member,
                    text=data["text"],
                    phone=phone,
                )
                done = _("Thank you, your objection is recorded; the township will answer it.")
            else:
                raise Http404
        except DomainError as exc:
            errors["form"] = exc.message
    context = _context(page, errors=errors, done=done, post=request.POST if errors else {})
    return render(request, "assessment/public/page.html", context, status=400 if errors else 200)
